using System.Diagnostics.Metrics;
using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.ServiceDefaults.Telemetry;

namespace AmoHub.Grains.Probes;

/// <summary>
/// The probes' own measurements, on the <c>AmoHub.Probes</c> meter: each check's result and response time, and how
/// late each scheduled check started against its slot (a silo that cannot keep up shows it here first).
/// </summary>
public static class ProbeMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "AmoHub.Probes";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> Lateness = Meter.CreateHistogram<double>(
        "amohub.probe.lateness", unit: "ms", description: "How long after its scheduled slot a probe's check started");

    private static readonly Counter<long> Results = Meter.CreateCounter<long>(
        "amohub.probe.results", unit: "{result}", description: "Check results by account, check type and status (up, warning, down)");

    private static readonly Histogram<double> ResponseTime = Meter.CreateHistogram<double>(
        "amohub.probe.response_time", unit: "ms", description: "How long amoCRM took to answer a check, by account and check type");

    private static readonly Counter<long> Dropped = Meter.CreateCounter<long>(
        "amohub.probe.results_dropped", unit: "{result}", description: "Check results given up unwritten because too many were waiting for the database");

    /// <summary>Records how late a check started.</summary>
    public static void RecordLateness(TimeSpan lateness, CheckType checkType) =>
        Lateness.Record(Math.Max(0, lateness.TotalMilliseconds), new KeyValuePair<string, object?>("check_type", checkType.ToWireName()));

    /// <summary>
    /// Starts a probe's count of dropped results at 0, so that the first one dropped is an increase a rate sees
    /// rather than a series that appears.
    /// </summary>
    public static void Announce(string account, CheckType checkType) =>
        Dropped.Add(0, AccountLabels.Current.Tag(account), new KeyValuePair<string, object?>("check_type", checkType.ToWireName()));

    /// <summary>Records a check's result.</summary>
    public static void RecordResult(string account, CheckType checkType, CheckResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var accountTag = AccountLabels.Current.Tag(account);
        var type = new KeyValuePair<string, object?>("check_type", checkType.ToWireName());
        Results.Add(1, accountTag, type, new KeyValuePair<string, object?>("status", result.Status.ToWireName()));
        ResponseTime.Record(result.ResponseTimeMs, accountTag, type);
    }

    /// <summary>Records a check result given up unwritten.</summary>
    public static void RecordDropped(string account, CheckType checkType) =>
        Dropped.Add(1, AccountLabels.Current.Tag(account), new KeyValuePair<string, object?>("check_type", checkType.ToWireName()));
}
