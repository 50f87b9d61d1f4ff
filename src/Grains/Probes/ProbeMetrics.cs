using System.Diagnostics.Metrics;

namespace AmoHub.Grains.Probes;

/// <summary>
/// The probes' own measurements, on the <c>AmoHub.Probes</c> meter: how late each scheduled check started
/// against its slot (a silo that cannot keep up shows it here first).
/// </summary>
public static class ProbeMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "AmoHub.Probes";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> Lateness = Meter.CreateHistogram<double>(
        "amohub.probe.lateness", unit: "ms", description: "How long after its scheduled slot a probe's check started");

    /// <summary>Records how late a check started.</summary>
    public static void RecordLateness(TimeSpan lateness, CheckType checkType) =>
        Lateness.Record(Math.Max(0, lateness.TotalMilliseconds), new KeyValuePair<string, object?>("check_type", checkType.ToWireName()));
}
