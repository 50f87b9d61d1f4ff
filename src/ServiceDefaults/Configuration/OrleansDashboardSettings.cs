using System.ComponentModel.DataAnnotations;

namespace AmoHub.ServiceDefaults.Configuration;

/// <summary>Settings under <c>AmoHub:OrleansDashboard</c>: the operators' Orleans dashboard at <c>/orleans</c>.</summary>
public sealed class OrleansDashboardSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:OrleansDashboard";

    /// <summary>
    /// Whether the dashboard runs. It costs about 60 MiB of memory while it runs (bench/README.md, "Idle cost"), which
    /// a deployment watching a few accounts may rather keep; off, <c>/orleans</c> is not served.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How often the dashboard samples Orleans' counters. Each sample collects every Orleans meter, the grain
    /// directory's cache among them; at Orleans' own one second it was the largest part of an idle AmoHub's CPU
    /// (bench/README.md, "Idle cost"). Its charts keep 100 samples: at 10 s, the last 16 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CounterUpdateInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The interval in the dashboard's own unit.</summary>
    public int CounterUpdateIntervalMs => (int)CounterUpdateInterval.TotalMilliseconds;
}
