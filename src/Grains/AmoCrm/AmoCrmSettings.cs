using System.ComponentModel.DataAnnotations;

namespace AmoHub.Grains.AmoCrm;

/// <summary>Settings under <c>AmoHub:AmoCrm</c>: how AmoHub talks to amoCRM.</summary>
public sealed class AmoCrmSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:AmoCrm";

    /// <summary>Requests per second AmoHub allows itself per account (amoCRM's limit per integration is 7).</summary>
    [Range(1, 50)]
    public int RequestsPerSecond { get; set; } = 7;

    /// <summary>Extra spacing added to the one-second window so network jitter never makes amoCRM count one too many.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan PacingMargin { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long one amoCRM request may take.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a request is tried before its callers get an error (429, 5xx and timeouts are retried).</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The most entities amoCRM accepts in one create request.</summary>
    public const int MaxCreateBatchSize = 250;

    /// <summary>The most leads, each with its new contact, amoCRM accepts in one complex add.</summary>
    public const int MaxComplexBatchSize = 50;

    /// <summary>
    /// Entities per create request (amoCRM recommends 50). A cycle with more to create than fits in one second of
    /// budget at this size uses as few requests as <see cref="MaxCreateBatchSize"/> allows.
    /// </summary>
    [Range(1, MaxCreateBatchSize)]
    public int CreateBatchSize { get; set; } = 50;

    /// <summary>
    /// New contacts or leads checked against one sync of our copy. Each cycle costs one sync request plus one
    /// create request per batch, so a larger cycle means more creates per request spent.
    /// </summary>
    [Range(1, 5000)]
    public int MaxPerCycle { get; set; } = 1000;

    /// <summary>
    /// How far ahead of AmoHub's clock an amoCRM time may be: a later one is taken as now, so one entity stamped years
    /// ahead cannot freeze it against every later change.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The share of <see cref="RequestsPerSecond"/> the first import of an account may spend; probes, creates and
    /// searches keep the rest.
    /// </summary>
    [Range(0.05, 1.0)]
    public double ImportShare { get; set; } = 0.5;

    /// <summary>
    /// How often an account's contacts deleted in amoCRM are read (<c>with=only_deleted</c>, since the last pass) and
    /// removed from our copy: deletions made while no webhook came would otherwise stay there.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Whether AmoHub subscribes its webhook again when the HOOK check finds it gone or switched off, and then reads
    /// what changed meanwhile.
    /// </summary>
    public bool ResubscribeWebhooks { get; set; } = true;

    /// <summary>
    /// How long a create request waits for amoCRM before it is answered 202 Accepted instead (stored, completed later,
    /// its result at <c>/api/operations/{id}</c>). While amoCRM is down or limiting, or requests wait already, a create
    /// is answered 202 at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Requests a second the first import may send: <see cref="ImportShare"/> of the budget, at least one.</summary>
    public int ImportRequestsPerSecond => Math.Max(1, (int)Math.Floor(RequestsPerSecond * ImportShare));
}
