using System.Collections.Immutable;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Maintenance;
using AmoHub.Grains.Interfaces.Probes;
using Orleans.Concurrency;

namespace AmoHub.Grains.Interfaces.Notifications;

/// <summary>What happened to an incident, as the notifier hears of it.</summary>
public enum IncidentChange
{
    /// <summary>The check went down: the incident opened.</summary>
    Opened,

    /// <summary>The check came back: the incident closed.</summary>
    Closed,
}

/// <summary>
/// An incident's opening or closing, sent by the probe grain to the account's notifier. <see cref="IncidentId"/> is
/// the row id in <c>incidents</c>; <see cref="StartedAt"/> and <see cref="EndedAt"/> are the first down result and
/// the first result after recovery; <see cref="Details"/> is the error that opened it (or the last one);
/// <see cref="Maintenance"/> says it opened during a maintenance window, so it alerts nobody.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.IncidentNotice")]
public sealed record IncidentNotice(
    [property: Id(0)] long IncidentId,
    [property: Id(1)] string Account,
    [property: Id(2)] CheckType CheckType,
    [property: Id(3)] IncidentChange Change,
    [property: Id(4)] DateTimeOffset StartedAt,
    [property: Id(5)] DateTimeOffset? EndedAt,
    [property: Id(6)] string? Details,
    [property: Id(7)] int? HttpStatus,
    [property: Id(8)] string? ErrorCode,
    [property: Id(9)] bool Maintenance = false);

/// <summary>
/// A probe's slow-down edge: <see cref="Slow"/> true when the 95th percentile of its response times over
/// <see cref="Window"/> reached its warning threshold, false when it fell back below. <see cref="At"/> is the result
/// that crossed; <see cref="P95Ms"/> the percentile then and <see cref="WarningMs"/> the check's warning threshold.
/// A probe sends its current state again after it (re)activates, so the notifier must take repeats in its stride.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.SlowNotice")]
public sealed record SlowNotice(
    [property: Id(0)] string Account,
    [property: Id(1)] CheckType CheckType,
    [property: Id(2)] bool Slow,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] int P95Ms,
    [property: Id(5)] int WarningMs,
    [property: Id(6)] TimeSpan Window);

/// <summary>
/// Sends an account's alerts (Mattermost, email, a generic webhook, Telegram) apart from its probes: a probe hands a notice
/// over one-way and goes on, so a notification channel that is down never slows a check or changes its result.
/// Key: <see cref="GrainKeys.Notifier"/>, <c>{subdomain}/notifier</c>.
/// </summary>
public interface INotifierGrain : IGrainWithStringKey
{
    /// <summary>Takes an incident change; delivery, delay, re-alerts and flapping are the notifier's business.</summary>
    [OneWay]
    Task NotifyAsync(IncidentNotice notice);

    /// <summary>Takes a slow-down's start or end; the delay, the switches and the messages are the notifier's business.</summary>
    [OneWay]
    Task NotifySlowAsync(SlowNotice notice);

    /// <summary>Validates and stores the account's channels; answers the stored settings masked, or the errors.</summary>
    Task<NotificationUpdate> ConfigureAsync(NotificationSettings settings);

    /// <summary>The account's settings with webhook URLs masked.</summary>
    Task<NotificationSettings> GetSettingsAsync();

    /// <summary>Messages waiting and sent, muted checks and the last failure of each channel.</summary>
    Task<NotifierStatus> GetStatusAsync();

    /// <summary>Sends a test message on every configured channel at once, without retries, and says how each went.</summary>
    Task<ImmutableArray<ChannelTestResult>> SendTestAsync();

    /// <summary>
    /// Announces the start (or, with <paramref name="ended"/>, the end) of a maintenance period covering the account,
    /// once per period on every channel, however often it is told.
    /// </summary>
    [OneWay]
    Task AnnounceMaintenanceAsync(MaintenancePeriod period, bool ended);

    /// <summary>
    /// Queues <paramref name="report"/> as a digest message on every configured channel and answers the channels; a
    /// scheduled digest whose week was queued already queues nothing, however often it is handed over.
    /// </summary>
    Task<ImmutableArray<NotificationChannel>> RaiseDigestAsync(DigestReport report);

    /// <summary>The account was removed: drops what waits to be sent, stops retrying and forgets its settings.</summary>
    Task StopAsync();
}
