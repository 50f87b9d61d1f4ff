using System.ComponentModel.DataAnnotations;

namespace AmoHub.Grains.Probes;

/// <summary>Settings under <c>AmoHub:Probes</c>.</summary>
public sealed class ProbeSchedule
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:Probes";

    /// <summary>Whether accounts are probed at all (off: AmoHub does CRM sync only).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often each check runs.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a check may take before it counts as down.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Period of the reminder that keeps every probe scheduled across restarts and failover. Orleans' minimum is
    /// one minute unless lowered; tests lower it so a restarted silo resumes probes quickly.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
