using System.Globalization;
using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.Grains.Probes;

/// <summary>
/// Turns check results into a probe's status: a slow answer becomes a warning or down by the check's latency
/// thresholds; warnings in a row escalate to down; a check that is down needs several good results in a row before
/// it counts as recovered, so one lucky answer in an outage does not close and reopen the incident.
/// </summary>
public static class ProbeEvaluation
{
    /// <summary>Applies the latency thresholds to a result that answered in time, and names the reason of any other.</summary>
    public static CheckResult Classify(CheckResult result, CheckThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(thresholds);
        if (result.Status != HealthStatus.Up)
        {
            return result.ErrorCode is null && result.HttpStatus is { } code and >= 400
                ? result with { ErrorCode = CheckErrorCodes.ForHttpStatus(code) }
                : result;
        }

        var down = (int)thresholds.Down.TotalMilliseconds;
        var warning = (int)thresholds.Warning.TotalMilliseconds;
        return result.ResponseTimeMs >= down
            ? result with { Status = HealthStatus.Down, ErrorCode = CheckErrorCodes.Slow, ErrorMessage = Slow(result.ResponseTimeMs, "down", down) }
            : result.ResponseTimeMs >= warning
                ? result with { Status = HealthStatus.Warning, ErrorCode = CheckErrorCodes.Slow, ErrorMessage = Slow(result.ResponseTimeMs, "warning", warning) }
                : result;
    }

    /// <summary>
    /// Moves the probe's debounced status on by one classified result and returns the status and its reason;
    /// updates the streak counters in <paramref name="state"/> but not its status.
    /// </summary>
    public static (HealthStatus Status, string? Reason) Advance(ProbeState state, CheckResult result, int escalateAfter, int recoverAfter)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(result);
        // A check the account has not configured (no test lead, no test contact) warns for as long as that lasts, but
        // says nothing about amoCRM: it never escalates to down, which would open an incident and alert for a setting.
        state.WarningStreak = result.Status == HealthStatus.Warning && result.ErrorCode != CheckErrorCodes.NotConfigured
            ? state.WarningStreak + 1
            : 0;
        var status = result.Status;
        var reason = result.ErrorCode;
        if (status == HealthStatus.Warning && state.WarningStreak >= escalateAfter)
        {
            status = HealthStatus.Down;
            reason = CheckErrorCodes.Escalated;
        }

        if (state.Status == HealthStatus.Down && status != HealthStatus.Down)
        {
            state.GoodStreak++;
            if (state.GoodStreak < recoverAfter)
            {
                return (HealthStatus.Down, state.Reason);
            }
        }

        state.GoodStreak = 0;
        return (status, status == HealthStatus.Up ? null : reason);
    }

    private static string Slow(int responseTimeMs, string level, int thresholdMs) =>
        string.Create(CultureInfo.InvariantCulture, $"Answered in {responseTimeMs} ms, at or over the {level} threshold of {thresholdMs} ms.");
}
