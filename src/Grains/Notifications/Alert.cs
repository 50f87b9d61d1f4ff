using System.Globalization;
using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.Grains.Notifications;

/// <summary>The kinds of message a notifier sends.</summary>
public enum AlertKind
{
    /// <summary>An incident stayed open past the delay.</summary>
    Down,

    /// <summary>An outage goes on: the re-alert sent every re-alert interval.</summary>
    StillDown,

    /// <summary>An incident that was alerted closed.</summary>
    Restored,

    /// <summary>A check opened too many incidents in the flapping window; its alerts are muted for a while.</summary>
    Flapping,

    /// <summary>A test message asked for by an operator.</summary>
    Test,

    /// <summary>A maintenance period covering the account began: its incidents alert nobody until it ends.</summary>
    MaintenanceStarted,

    /// <summary>A maintenance period covering the account ended: alerts are back.</summary>
    MaintenanceEnded,

    /// <summary>A check's 95th percentile response time stayed at or over its warning threshold past the slow delay.</summary>
    Slow = 7,

    /// <summary>A check that was alerted slow is fast again.</summary>
    SlowRecovered = 8,

    /// <summary>A check is down on many accounts at once: one message for the outage, told by one account per channel.</summary>
    GroupDown = 9,

    /// <summary>Accounts joined or recovered during an outage: an edit of the DOWN message, or a follow-up.</summary>
    GroupUpdate = 10,

    /// <summary>The last account of an outage recovered.</summary>
    GroupRestored = 11,

    /// <summary>The account's weekly digest: each check's uptime, p95, incidents, downtime and MTTR over the week.</summary>
    Digest = 12,
}

/// <summary>
/// The numbers behind a slow-down alert: the 95th percentile response time, the check's warning threshold, and the
/// window the percentile is taken over.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.SlowMeasure")]
public sealed record SlowMeasure(
    [property: Id(0)] int P95Ms,
    [property: Id(1)] int WarningMs,
    [property: Id(2)] TimeSpan Window);

/// <summary>
/// One message to send, kept in the notifier's outbox until every channel has delivered it. <see cref="At"/> is when
/// it was raised (for a restored alert, when the incident closed), so a message delivered late still tells the
/// outage as it was. <see cref="Count"/> is the re-alert's number or the flapping check's incident count. A
/// maintenance announcement has the period's start in <see cref="StartedAt"/>, its end in <see cref="MutedUntil"/>,
/// its reason in <see cref="Error"/> and its window in <see cref="WindowId"/>. An outage's alert has the outage's id
/// in <see cref="IncidentId"/>, the accounts down in <see cref="Count"/> (at the most, when restored) of
/// <see cref="Total"/>, and the first of them by name in <see cref="Accounts"/>. A slow-down alert has the episode's
/// start in <see cref="StartedAt"/> and its numbers in <see cref="Slow"/>. A digest has its week in
/// <see cref="StartedAt"/> and <see cref="At"/>, and its numbers in <see cref="Digest"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.Alert")]
public sealed record Alert(
    [property: Id(0)] AlertKind Kind,
    [property: Id(1)] string Account,
    [property: Id(2)] CheckType? CheckType,
    [property: Id(3)] long? IncidentId,
    [property: Id(4)] DateTimeOffset StartedAt,
    [property: Id(5)] DateTimeOffset At,
    [property: Id(6)] int? HttpStatus = null,
    [property: Id(7)] string? ErrorCode = null,
    [property: Id(8)] string? Error = null,
    [property: Id(9)] int Count = 0,
    [property: Id(10)] DateTimeOffset? MutedUntil = null,
    [property: Id(11)] string? WindowId = null,
    [property: Id(12)] int Total = 0,
    [property: Id(13)] IReadOnlyList<string>? Accounts = null,
    [property: Id(14)] SlowMeasure? Slow = null,
    [property: Id(16)] DigestReport? Digest = null)
{
    /// <summary>How long the outage had lasted when the alert was raised.</summary>
    public TimeSpan Duration => At > StartedAt ? At - StartedAt : TimeSpan.Zero;

    /// <summary>
    /// The message's identity, the same however often it is raised: one message per incident and kind
    /// (<c>incident:42:down</c>), per re-alert, per flapping episode, per test, per maintenance period and edge, per
    /// outage and kind (and update), per slow-down episode and kind (<c>slow:GET:1714564800000:slow</c>), per
    /// scheduled digest's week (<c>digest:{end}</c>) and per digest asked for (<c>digest-now:{end}</c>).
    /// </summary>
    public string Key => Kind switch
    {
        AlertKind.Down => Invariant($"incident:{IncidentId}:down"),
        AlertKind.StillDown => Invariant($"incident:{IncidentId}:still-down:{Count}"),
        AlertKind.Restored => Invariant($"incident:{IncidentId}:restored"),
        AlertKind.Flapping => Invariant($"flapping:{CheckType?.ToWireName()}:{At.ToUnixTimeMilliseconds()}"),
        AlertKind.MaintenanceStarted => Invariant($"maintenance:{WindowId}:{StartedAt.ToUnixTimeMilliseconds()}:start"),
        AlertKind.MaintenanceEnded => Invariant($"maintenance:{WindowId}:{StartedAt.ToUnixTimeMilliseconds()}:end"),
        AlertKind.GroupDown => Invariant($"outage:{CheckType?.ToWireName()}:{IncidentId}:down"),
        AlertKind.GroupUpdate => Invariant($"outage:{CheckType?.ToWireName()}:{IncidentId}:update:{At.ToUnixTimeMilliseconds()}"),
        AlertKind.GroupRestored => Invariant($"outage:{CheckType?.ToWireName()}:{IncidentId}:restored"),
        AlertKind.Slow => Invariant($"slow:{CheckType?.ToWireName()}:{StartedAt.ToUnixTimeMilliseconds()}:slow"),
        AlertKind.SlowRecovered => Invariant($"slow:{CheckType?.ToWireName()}:{StartedAt.ToUnixTimeMilliseconds()}:recovered"),
        AlertKind.Digest => Invariant($"{(Digest is { Scheduled: true } ? "digest" : "digest-now")}:{At.ToUnixTimeMilliseconds()}"),
        _ => Invariant($"test:{At.ToUnixTimeMilliseconds()}"),
    };

    /// <summary>The wire name of the kind, as the generic webhook's <c>event</c>.</summary>
    public string Event => Kind switch
    {
        AlertKind.Down => "down",
        AlertKind.StillDown => "still_down",
        AlertKind.Restored => "restored",
        AlertKind.Flapping => "flapping",
        AlertKind.MaintenanceStarted => "maintenance_started",
        AlertKind.MaintenanceEnded => "maintenance_ended",
        AlertKind.GroupDown => "outage_down",
        AlertKind.GroupUpdate => "outage_update",
        AlertKind.GroupRestored => "outage_restored",
        AlertKind.Slow => "slow",
        AlertKind.SlowRecovered => "slow_recovered",
        AlertKind.Digest => "digest",
        _ => "test",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
