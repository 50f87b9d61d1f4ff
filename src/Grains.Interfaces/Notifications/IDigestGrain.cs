using System.Collections.Immutable;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Probes;
using Orleans.Concurrency;

namespace AmoHub.Grains.Interfaces.Notifications;

/// <summary>
/// One check of an account over a digest's week, maintenance left out: the results counted, the uptime (percentage of
/// results not down), the p95 response time (ms), the incidents that overlap the week, their downtime within it, and
/// the mean time to recovery of those that closed. The numbers are those of <c>GET /api/stats</c> with
/// <c>excludeMaintenance</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.DigestCheck")]
public sealed record DigestCheck(
    [property: Id(0)] CheckType CheckType,
    [property: Id(1)] long TotalChecks,
    [property: Id(2)] double? Uptime,
    [property: Id(3)] int? P95,
    [property: Id(4)] int Incidents,
    [property: Id(5)] TimeSpan Downtime,
    [property: Id(6)] TimeSpan? Mttr);

/// <summary>
/// An account's digest: the week from <see cref="From"/> to <see cref="To"/> (seven days of the account's calendar),
/// check by check. <see cref="Scheduled"/> tells the weekly one, sent once per <see cref="To"/>, from one asked for
/// by an operator.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.DigestReport")]
public sealed record DigestReport(
    [property: Id(0)] DateTimeOffset From,
    [property: Id(1)] DateTimeOffset To,
    [property: Id(2)] ImmutableArray<DigestCheck> Checks,
    [property: Id(3)] bool Scheduled);

/// <summary>A digest handed to the notifier, and the channels it was queued on (none: no channel is configured).</summary>
[GenerateSerializer, Immutable, Alias("amohub.DigestSent")]
public sealed record DigestSent(
    [property: Id(0)] DigestReport Report,
    [property: Id(1)] ImmutableArray<NotificationChannel> Channels);

/// <summary>
/// Sends an account's weekly digest to its notification channels when its cron expression, read in the account's time
/// zone, comes due; a reminder set for the next occurrence wakes it then, and the last week sent is kept, so each week
/// goes once. Key: <see cref="GrainKeys.Digest"/>, <c>{subdomain}/digest</c>.
/// </summary>
public interface IDigestGrain : IGrainWithStringKey
{
    /// <summary>Starts the schedule (idempotently): the account exists, its digests are due from now on.</summary>
    Task StartAsync();

    /// <summary>Computes the digest of the last seven days now and queues it on every configured channel, whatever the schedule.</summary>
    Task<DigestSent> SendNowAsync();

    /// <summary>The account was removed: stops the schedule and forgets what was sent.</summary>
    Task StopAsync();

    /// <summary>
    /// The account's notification settings changed (their digest schedule or time zone may have): sets the reminder for
    /// the next occurrence under the new settings. One-way, so the notifier that tells it is not waited on while the
    /// digest reads the settings back from it.
    /// </summary>
    [OneWay]
    Task SettingsChangedAsync();
}
