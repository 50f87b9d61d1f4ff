using AmoHub.Grains.Interfaces.Probes;
using Orleans.Concurrency;

namespace AmoHub.Grains.Interfaces.Monitoring;

/// <summary>
/// One check result as live clients see it: the probe's status after this result (debounced: escalation and
/// recovery applied), the result's own response time, HTTP status and error, and since when the status holds.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.ProbeUpdate")]
public sealed record ProbeUpdate(
    [property: Id(0)] string Account,
    [property: Id(1)] CheckType CheckType,
    [property: Id(2)] HealthStatus Status,
    [property: Id(3)] int ResponseTimeMs,
    [property: Id(4)] DateTimeOffset LastCheck,
    [property: Id(5)] string? ErrorMessage,
    [property: Id(6)] int? HttpStatus,
    [property: Id(7)] string? ErrorCode,
    [property: Id(8)] DateTimeOffset? Since);

/// <summary>Receives live probe updates (implemented by each API process, which fans them out to its SSE clients).</summary>
public interface IStatusObserver : IGrainObserver
{
    /// <summary>A batch of updates, oldest first.</summary>
    [OneWay]
    Task OnUpdatesAsync(IReadOnlyList<ProbeUpdate> updates);
}

/// <summary>
/// The live feed of probe results: probes publish one-way, API processes subscribe an observer and renew the
/// subscription periodically (a subscription not renewed expires, so a dead API process costs nothing).
/// </summary>
public interface IStatusFeedGrain : IGrainWithStringKey
{
    /// <summary>The only key of this grain.</summary>
    const string Key = "feed:status";

    /// <summary>Publishes a result; never blocks the probe.</summary>
    [OneWay]
    Task PublishAsync(ProbeUpdate update);

    /// <summary>Subscribes or renews an observer.</summary>
    Task SubscribeAsync(IStatusObserver observer);

    /// <summary>Removes an observer.</summary>
    Task UnsubscribeAsync(IStatusObserver observer);
}
