namespace AmoHub.Grains.Notifications;

/// <summary>
/// The alerts an account's quiet hours hold, kept few: a still-down alert replaces the one held before it for the
/// same incident; an end (RESTORED, fast again) whose start (DOWN, slow) is still held cancels both, so an incident or
/// slow-down that began and ended within the quiet hours sends nothing (its history is in the incidents API and the
/// dashboard); an end whose start went out before the quiet hours drops the held still-down alerts and is held itself.
/// </summary>
public static class HeldAlerts
{
    /// <summary>Adds <paramref name="alert"/> to <paramref name="held"/> by these rules; false when it cancelled out.</summary>
    public static bool Hold(List<Alert> held, Alert alert)
    {
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(alert);
        if (alert.Kind is AlertKind.Restored or AlertKind.SlowRecovered)
        {
            var start = alert.Kind == AlertKind.Restored ? AlertKind.Down : AlertKind.Slow;
            var startHeld = held.Exists(other => other.Kind == start && SameSubject(other, alert));
            held.RemoveAll(other => SameSubject(other, alert));
            if (startHeld)
            {
                return false;
            }
        }
        else if (alert.Kind == AlertKind.StillDown)
        {
            held.RemoveAll(other => other.Kind == AlertKind.StillDown && SameSubject(other, alert));
        }

        held.Add(alert);
        return true;
    }

    /// <summary>Whether two alerts are about the same incident, or the same slow-down.</summary>
    private static bool SameSubject(Alert one, Alert other) => one.IncidentId is { } incident
        ? incident == other.IncidentId
        : IsSlow(one) && IsSlow(other) && one.CheckType == other.CheckType && one.StartedAt == other.StartedAt;

    private static bool IsSlow(Alert alert) => alert.Kind is AlertKind.Slow or AlertKind.SlowRecovered;
}
