using System.ComponentModel.DataAnnotations;

namespace AmoHub.Sandbox;

/// <summary>Settings under <c>AmoHub:Sandbox</c>: the built-in amoCRM emulator.</summary>
public sealed class SandboxSettings : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:Sandbox";

    /// <summary>The account name the sandbox serves.</summary>
    public const string AccountName = "sandbox";

    /// <summary>The most retries <see cref="WebhookRetrySchedule"/> may hold.</summary>
    private const int MaxRetries = 100;

    /// <summary>The longest pause <see cref="WebhookRetrySchedule"/> may hold; amoCRM's longest is an hour.</summary>
    private static readonly TimeSpan MaxRetryPause = TimeSpan.FromDays(1);

    /// <summary>
    /// Whether the sandbox runs. Unset means "when no amoCRM account is configured", so a new user sees live
    /// probes at once.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>
    /// Where the sandbox listens: its own loopback port, like a remote amoCRM host. Account <c>acme</c> lives at
    /// <c>{Url}acme/</c>. Port 0 picks a free port; <see cref="SandboxServer.Url"/> then tells which.
    /// </summary>
    public Uri Url { get; set; } = new("http://127.0.0.1:5081/");

    /// <summary>
    /// A long-lived access token valid for every account, forever (amoCRM's private-integration token). Empty
    /// means the server makes up a random one at start (<see cref="SandboxServer.AccessToken"/>).
    /// </summary>
    public string AccessToken { get; set; } = "";

    /// <summary>How long an access token issued by <c>oauth2/access_token</c> lives; amoCRM's is 24 hours.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>At most this many <c>/api/v4</c> requests per account in any sliding second; more get 429.</summary>
    [Range(1, 10_000)]
    public int RequestsPerSecond { get; set; } = 7;

    /// <summary>More than this many 429 answers within a minute block the account: every call then gets 403.</summary>
    [Range(1, 1_000_000)]
    public int BlockAfter429s { get; set; } = 100;

    /// <summary>How long the sandbox waits for a webhook subscriber to answer; amoCRM waits about 2 seconds.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The pauses before the retries of a failed webhook delivery, one a retry, in sandbox time (see
    /// <see cref="ClockFactor"/>). Unset means amoCRM's, <see cref="AmoCrmWebhookRetrySchedule"/>; an empty list
    /// means no retries. A configured list replaces amoCRM's: it is unset by default because the configuration binder
    /// adds configured items to a list that already has some.
    /// </summary>
    public IReadOnlyList<TimeSpan>? WebhookRetrySchedule { get; set; }

    /// <summary>
    /// How many times faster the sandbox's webhook clock runs than the wall clock: the pauses of
    /// <see cref="WebhookRetrySchedule"/> and the 2-hour window of <see cref="DisableWebhookAfterFailures"/> are divided
    /// by it. 1 is real time; 600 makes a 5-minute pause take half a second, so tests see amoCRM's retries quickly.
    /// </summary>
    [Range(1.0, 1_000_000.0)]
    public double ClockFactor { get; set; } = 1;

    /// <summary>
    /// More than this many failed deliveries to one webhook within 2 hours (sandbox time) disable it, as amoCRM does:
    /// with 100, the 101st failure does. A disabled webhook gets no deliveries, and its pending retries are dropped,
    /// until it is subscribed again.
    /// </summary>
    [Range(1, 1_000_000)]
    public int DisableWebhookAfterFailures { get; set; } = 100;

    /// <summary>amoCRM's pauses before the retries of a failed delivery: 5, 15, 15 and 60 minutes.</summary>
    public static IReadOnlyList<TimeSpan> AmoCrmWebhookRetrySchedule { get; } =
        [TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(60)];

    /// <summary>The retry pauses in use: the configured ones, or amoCRM's.</summary>
    internal IReadOnlyList<TimeSpan> RetrySchedule => WebhookRetrySchedule ?? AmoCrmWebhookRetrySchedule;

    /// <summary>How long <paramref name="sandboxTime"/> of the webhook clock takes on the wall clock.</summary>
    internal TimeSpan WallTime(TimeSpan sandboxTime) => sandboxTime / ClockFactor;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Url.IsAbsoluteUri || Url.Scheme != Uri.UriSchemeHttp)
        {
            yield return new ValidationResult("must be an absolute http:// URL on this machine.", [nameof(Url)]);
        }
        else if (!Url.AbsolutePath.EndsWith('/'))
        {
            yield return new ValidationResult("must end with a slash: accounts live under it.", [nameof(Url)]);
        }

        if (AccessTokenLifetime <= TimeSpan.Zero)
        {
            yield return new ValidationResult("must be a positive time span.", [nameof(AccessTokenLifetime)]);
        }

        if (WebhookTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult("must be a positive time span.", [nameof(WebhookTimeout)]);
        }

        if (WebhookRetrySchedule is { Count: > MaxRetries })
        {
            yield return new ValidationResult($"holds at most {MaxRetries} pauses, one a retry.", [nameof(WebhookRetrySchedule)]);
        }

        if (WebhookRetrySchedule?.Any(pause => pause < TimeSpan.Zero || pause > MaxRetryPause) == true)
        {
            yield return new ValidationResult($"must hold pauses from 0 to {MaxRetryPause:c}.", [nameof(WebhookRetrySchedule)]);
        }
    }
}
