using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AmoHub.Grains.Interfaces.Crm;

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
    private static readonly ConcurrentDictionary<string, Func<OperationsBacklog>> Backlogs = new(StringComparer.Ordinal);
    private static TimeProvider _time = TimeProvider.System;

    private static readonly ObservableGauge<long> Pending = Meter.CreateObservableGauge(
        "amohub.operations.pending", () => Backlogs.Select(pair => new Measurement<long>(pair.Value().Pending, Account(pair.Key))),
        unit: "{operation}", description: "Create requests accepted (202) and waiting for amoCRM");

    private static readonly ObservableGauge<double> OldestAge = Meter.CreateObservableGauge(
        "amohub.operations.oldest_pending_age", () => Backlogs.Select(pair => new Measurement<double>(
            pair.Value().OldestPendingSince is { } since ? Math.Max(0, (_time.GetUtcNow() - since).TotalSeconds) : 0, Account(pair.Key))),
        unit: "s", description: "Age of the oldest create request waiting for amoCRM; 0 when none waits");

    private static readonly Counter<long> Finished = Meter.CreateCounter<long>(
        "amohub.operations.finished", unit: "{operation}", description: "Stored create requests completed, by outcome");

    /// <summary>Shows <paramref name="backlog"/> as <paramref name="account"/>'s while its grain is active.</summary>
    public static void Track(string account, Func<OperationsBacklog> backlog, TimeProvider time)
    {
        _time = time;
        Backlogs[account] = backlog;
    }

    /// <summary>Stops showing <paramref name="backlog"/> (a newer activation's stays).</summary>
    public static void Untrack(string account, Func<OperationsBacklog> backlog) => Backlogs.TryRemove(KeyValuePair.Create(account, backlog));

    /// <summary>Counts a stored request of <paramref name="account"/> that ended <paramref name="status"/>.</summary>
    public static void CountFinished(string account, OperationStatus status) =>
        Finished.Add(1, new KeyValuePair<string, object?>("account", account), new KeyValuePair<string, object?>("outcome", status == OperationStatus.Done ? "done" : "failed"));

    private static KeyValuePair<string, object?> Account(string account) => new("account", account);
}
