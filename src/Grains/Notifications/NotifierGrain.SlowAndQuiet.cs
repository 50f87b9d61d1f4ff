using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using Microsoft.Extensions.Logging;

namespace AmoHub.Grains.Notifications;

/// <summary>
/// Slow-downs and quiet hours, apart from the incident rules: the probes' slow notices become slow and fast-again
/// alerts (<see cref="SlowEpisodes"/>), and while the account's quiet hours are on, alerts about checks other than
/// the critical ones are held (<see cref="HeldAlerts"/>) and go to the outbox when they end.
/// </summary>
public sealed partial class NotifierGrain
{
    /// <inheritdoc />
    public Task NotifySlowAsync(SlowNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var changed = SlowEpisodes.Apply(Kept.SlowEpisodes, notice, out var recovered);
        if (recovered is not null)
        {
            Raise(recovered, time.GetUtcNow());
        }

        return AdvanceAsync(changed);
    }

    private bool SlowAlertsEnabled => _settings.SlowAlerts ?? Options.Slow.Enabled;

    /// <summary>Raises the slow alerts that are due.</summary>
    private bool RaiseDueSlowAlerts(DateTimeOffset now)
    {
        var alerts = SlowEpisodes.RaiseDue(Kept.SlowEpisodes, _account, now, Options.Slow.Delay, SlowAlertsEnabled, MaintenanceUntil());
        foreach (var alert in alerts)
        {
            Raise(alert, now);
        }

        return alerts.Count > 0;
    }

    /// <summary>When the next slow alert is due, or quiet hours holding alerts end.</summary>
    private DateTimeOffset? NextSlowOrQuietDue(DateTimeOffset now)
    {
        DateTimeOffset? next = Kept.Held.Count > 0 ? QuietUntil(now) : null;
        foreach (var episode in Kept.SlowEpisodes.Values)
        {
            if (SlowEpisodes.DueAt(episode, Options.Slow.Delay, SlowAlertsEnabled, MaintenanceUntil()) is { } due)
            {
                next = Earliest(next, due);
            }
        }

        return next;
    }

    /// <summary>Holds the alert when the account's quiet hours are on and it is not about a critical check.</summary>
    private bool HoldInQuietHours(Alert alert, DateTimeOffset now)
    {
        if (QuietUntil(now) is null || !QuietHoursRule.Holds(alert, CriticalChecks()))
        {
            return false;
        }

        var kept = HeldAlerts.Hold(Kept.Held, alert);
        LogHeld(logger, _account, alert.Kind, alert.CheckType, kept);
        return true;
    }

    /// <summary>Sends what quiet hours held once they are over (or its check became critical, or they were changed).</summary>
    private bool ReleaseHeld(DateTimeOffset now)
    {
        if (Kept.Held.Count == 0)
        {
            return false;
        }

        var quiet = QuietUntil(now) is not null;
        var critical = CriticalChecks();
        var released = Kept.Held.Where(alert => !quiet || !QuietHoursRule.Holds(alert, critical)).ToList();
        foreach (var alert in released)
        {
            Kept.Held.Remove(alert);
            Enqueue(alert, now);
        }

        return released.Count > 0;
    }

    /// <summary>The end of the account's quiet hours under way on its clock, if they are on.</summary>
    private DateTimeOffset? QuietUntil(DateTimeOffset now) => QuietHoursRule.Until(
        _settings.QuietHours, Options.ZoneOf(_settings), now);

    private IReadOnlySet<CheckType> CriticalChecks() =>
        _settings.QuietHours?.Critical is { } critical ? QuietHoursRule.ParseChecks(critical) : Options.Critical;

    [LoggerMessage(EventId = 7111, Level = LogLevel.Information, Message = "{Account}: quiet hours hold the {Kind} alert for {CheckType} (kept: {Kept})")]
    private static partial void LogHeld(ILogger logger, string account, AlertKind kind, CheckType? checkType, bool kept);
}
