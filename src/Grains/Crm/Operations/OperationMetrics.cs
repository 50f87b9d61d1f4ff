using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.ServiceDefaults.Telemetry;

namespace AmoHub.Grains.Crm.Operations;

/// <summary>
/// Create requests accepted while amoCRM could not answer, on the <c>AmoHub.Operations</c> meter: how many wait per
/// account and how old the oldest is, while the account's operations grain is active; and how they ended.
/// </summary>
public static class OperationMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "AmoHub.Operations";

    private static readonly Meter Meter = new(MeterName);
    private static readonly ConcurrentDictionary<string, Tracked> Backlogs = new(StringComparer.Ordinal);

    private static readonly ObservableGauge<long> Pending = Meter.CreateObservableGauge(
        "amohub.operations.pending", () => AccountLabels.Current.Measure(Backlogs.Select(pair => (pair.Key, pair.Value.Backlog().Pending)), (a, b) => a + b),
        unit: "{operation}", description: "Create requests accepted (202) and waiting for amoCRM");

    private static readonly ObservableGauge<double> OldestAge = Meter.CreateObservableGauge(
        "amohub.operations.oldest_pending_age", () => AccountLabels.Current.Measure(
            Backlogs.Select(pair => (pair.Key, pair.Value.Backlog().OldestPendingSince is { } since ? Math.Max(0, (pair.Value.Time.GetUtcNow() - since).TotalSeconds) : 0)), Math.Max),
        unit: "s", description: "Age of the oldest create request waiting for amoCRM; 0 when none waits");

    private static readonly Counter<long> Finished = Meter.CreateCounter<long>(
        "amohub.operations.finished", unit: "{operation}", description: "Stored create requests completed, by outcome");

    /// <summary>Shows <paramref name="backlog"/> as <paramref name="account"/>'s while its grain is active, aged by <paramref name="time"/>.</summary>
    public static void Track(string account, Func<OperationsBacklog> backlog, TimeProvider time) => Backlogs[account] = new Tracked(backlog, time);

    /// <summary>Stops showing <paramref name="backlog"/> (a newer activation's stays).</summary>
    public static void Untrack(string account, Func<OperationsBacklog> backlog)
    {
        if (Backlogs.TryGetValue(account, out var tracked) && tracked.Backlog == backlog)
        {
            Backlogs.TryRemove(KeyValuePair.Create(account, tracked));
        }
    }

    /// <summary>Counts a stored request of <paramref name="account"/> that ended <paramref name="status"/>.</summary>
    public static void CountFinished(string account, OperationStatus status) =>
        Finished.Add(1, AccountLabels.Current.Tag(account), new KeyValuePair<string, object?>("outcome", status == OperationStatus.Done ? "done" : "failed"));

    /// <summary>An active grain's backlog and the clock its age is read by.</summary>
    private sealed record Tracked(Func<OperationsBacklog> Backlog, TimeProvider Time);
}
