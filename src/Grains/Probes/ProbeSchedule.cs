using System.ComponentModel.DataAnnotations;
using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.Grains.Probes;

/// <summary>Settings under <c>AmoHub:Probes</c>.</summary>
public sealed class ProbeSchedule : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:Probes";

    /// <summary>Whether accounts are probed at all (off: AmoHub does CRM sync only).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often each check runs.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a check may take before it counts as down, unless its thresholds give its own timeout.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Period of the reminder that keeps every probe scheduled across restarts and failover. Orleans' minimum is
    /// one minute unless lowered; tests lower it so a restarted silo resumes probes quickly.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many warnings in a row count as down (a check that keeps warning is not working).</summary>
    [Range(1, 1000)]
    public int EscalateAfter { get; set; } = 3;

    /// <summary>How many good results in a row a check that is down needs before it counts as recovered.</summary>
    [Range(1, 1000)]
    public int RecoverAfter { get; set; } = 2;

    /// <summary>
    /// How far back a probe looks for slow-downs: the 95th percentile of the response times over this window, at or
    /// over the check's warning threshold, is a slow-down the account's notifier hears of.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SlowWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The fewest answers within <see cref="SlowWindow"/> for the percentile to count (fewer: no change).</summary>
    [Range(1, 1000)]
    public int SlowMinSamples { get; set; } = 5;

    /// <summary>Latency thresholds per check type (<c>AmoHub:Probes:Thresholds:Get:Warning</c> and so on).</summary>
    public ProbeThresholds Thresholds { get; set; } = new();

    /// <summary>The thresholds of one check type.</summary>
    public CheckThresholds For(CheckType checkType) => checkType switch
    {
        CheckType.Get => Thresholds.Get,
        CheckType.Post => Thresholds.Post,
        CheckType.Web => Thresholds.Web,
        CheckType.Hook => Thresholds.Hook,
        CheckType.Dp => Thresholds.Dp,
        _ => throw new ArgumentOutOfRangeException(nameof(checkType), checkType, null),
    };

    /// <summary>What a probe of <paramref name="checkType"/> against <paramref name="target"/> runs with.</summary>
    public ProbeSettings SettingsFor(CheckType checkType, Uri target) =>
        new(target, Interval, For(checkType).Timeout ?? Timeout);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var checkType in CheckTypes.All)
        {
            var name = $"{nameof(Thresholds)}:{checkType}";
            var thresholds = For(checkType);
            if (thresholds.Warning <= TimeSpan.Zero)
            {
                yield return new ValidationResult("must be a positive duration.", [$"{name}:{nameof(CheckThresholds.Warning)}"]);
            }

            if (thresholds.Down <= thresholds.Warning)
            {
                yield return new ValidationResult("must be longer than the warning threshold.", [$"{name}:{nameof(CheckThresholds.Down)}"]);
            }

            if (thresholds.Timeout is { } timeout && (timeout < TimeSpan.FromMilliseconds(100) || timeout > TimeSpan.FromMinutes(10)))
            {
                yield return new ValidationResult("must be between 00:00:00.100 and 00:10:00.", [$"{name}:{nameof(CheckThresholds.Timeout)}"]);
            }
        }
    }
}

/// <summary>Latency thresholds of every check type, with the defaults the reference monitor used.</summary>
public sealed class ProbeThresholds
{
    /// <summary>API read: warning at 2 s, down at 5 s.</summary>
    public CheckThresholds Get { get; set; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5));

    /// <summary>API write: warning at 3 s, down at 7 s.</summary>
    public CheckThresholds Post { get; set; } = new(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(7));

    /// <summary>Web UI: warning at 3 s, down at 8 s.</summary>
    public CheckThresholds Web { get; set; } = new(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(8));

    /// <summary>Webhooks API: warning at 2 s, down at 5 s.</summary>
    public CheckThresholds Hook { get; set; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5));

    /// <summary>Digital Pipeline round trip: warning at 30 s, down at 50 s, and a 60 s timeout of its own.</summary>
    public CheckThresholds Dp { get; set; } = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(60));
}

/// <summary>
/// When an answer is slow enough to be a warning or to count as down, and optionally a timeout of the check's own
/// (a Digital Pipeline round trip takes far longer than an API call).
/// </summary>
public sealed class CheckThresholds
{
    /// <summary>For the configuration binder.</summary>
    public CheckThresholds()
    {
    }

    /// <summary>Thresholds with an optional timeout.</summary>
    public CheckThresholds(TimeSpan warning, TimeSpan down, TimeSpan? timeout = null)
    {
        Warning = warning;
        Down = down;
        Timeout = timeout;
    }

    /// <summary>A response at least this slow is a warning.</summary>
    public TimeSpan Warning { get; set; }

    /// <summary>A response at least this slow counts as down.</summary>
    public TimeSpan Down { get; set; }

    /// <summary>The check's own timeout; the probes' common timeout when not set.</summary>
    public TimeSpan? Timeout { get; set; }
}
