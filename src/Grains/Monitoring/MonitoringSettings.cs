using System.ComponentModel.DataAnnotations;
using AmoHub.Grains.Monitoring.Rollups;

namespace AmoHub.Grains.Monitoring;

/// <summary>Settings under <c>AmoHub:Monitoring</c>: how long monitoring data is kept and how it is purged.</summary>
public sealed class MonitoringSettings : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:Monitoring";

    /// <summary>How long raw results (<c>check_results</c>) are kept.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan RawRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long minute rollups are kept.</summary>
    [Range(typeof(TimeSpan), "02:00:00", "3650.00:00:00")]
    public TimeSpan MinuteRollupRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long hour rollups are kept; at least 31 days, so a 720 h range has the hours at its start.</summary>
    [Range(typeof(TimeSpan), "31.00:00:00", "3650.00:00:00")]
    public TimeSpan HourRollupRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long day rollups, and closed incidents, are kept.</summary>
    [Range(typeof(TimeSpan), "31.00:00:00", "36500.00:00:00")]
    public TimeSpan DayRollupRetention { get; set; } = TimeSpan.FromDays(730);

    /// <summary>How often the purge runs.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Rows one DELETE removes at most.</summary>
    [Range(1, 100_000)]
    public int PurgeBatchSize { get; set; } = 5_000;

    /// <summary>The pause between two DELETEs, so the result writer is never kept waiting long.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan PurgePause { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long rollups of a resolution are kept.</summary>
    public TimeSpan RetentionOf(RollupResolution resolution) => resolution switch
    {
        RollupResolution.Minute => MinuteRollupRetention,
        RollupResolution.Hour => HourRollupRetention,
        _ => DayRollupRetention,
    };

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinuteRollupRetention > HourRollupRetention)
        {
            yield return new ValidationResult("must not be longer than AmoHub:Monitoring:HourRollupRetention.", [nameof(MinuteRollupRetention)]);
        }

        if (HourRollupRetention > DayRollupRetention)
        {
            yield return new ValidationResult("must not be longer than AmoHub:Monitoring:DayRollupRetention.", [nameof(HourRollupRetention)]);
        }
    }
}
