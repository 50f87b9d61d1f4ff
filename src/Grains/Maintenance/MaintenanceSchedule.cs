using AmoHub.Grains.Interfaces.Maintenance;
using Cronos;

namespace AmoHub.Grains.Maintenance;

/// <summary>
/// When a maintenance window is on: a one-off window from its <c>from</c> to its <c>to</c>; a recurring one for its
/// duration from every time its cron expression names, read in its IANA time zone, so "every Sunday at 02:30 in
/// Europe/Berlin" stays at 02:30 local time on both sides of a daylight-saving change (Cronos skips a start that falls
/// in the hour the clocks jump over and runs an ambiguous one once).
/// </summary>
public static class MaintenanceSchedule
{
    /// <summary>How far back an ended occurrence is still announced (after a restart, say).</summary>
    public static readonly TimeSpan EndLookBack = TimeSpan.FromDays(1);

    /// <summary>The occurrence of <paramref name="window"/> covering <paramref name="at"/> (start inclusive, end exclusive), or null.</summary>
    public static MaintenancePeriod? Covering(MaintenanceWindow window, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(window);
        var request = window.Request;
        if (Recurrence(request) is not { } recurrence)
        {
            return request.From <= at && at < request.To ? Period(window, request.From!.Value, request.To!.Value) : null;
        }

        var (cron, zone, duration) = recurrence;
        var start = cron.GetOccurrences(at - duration, at, zone, fromInclusive: false, toInclusive: true).LastOrDefault();
        return start == default ? null : Period(window, start, start + duration);
    }

    /// <summary>The occurrences of <paramref name="window"/> that overlap [<paramref name="from"/>, <paramref name="to"/>), by start.</summary>
    public static IEnumerable<MaintenancePeriod> Overlapping(MaintenanceWindow window, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(window);
        var request = window.Request;
        if (Recurrence(request) is not { } recurrence)
        {
            return request.From < to && request.To > from ? [Period(window, request.From!.Value, request.To!.Value)] : [];
        }

        var (cron, zone, duration) = recurrence;
        return cron.GetOccurrences(from - duration, to, zone, fromInclusive: false, toInclusive: false)
            .Select(start => Period(window, start, start + duration));
    }

    /// <summary>The latest occurrence of <paramref name="window"/> that ended at or before <paramref name="at"/>, within <see cref="EndLookBack"/>.</summary>
    public static MaintenancePeriod? LastEnded(MaintenanceWindow window, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(window);
        var request = window.Request;
        if (Recurrence(request) is not { } recurrence)
        {
            return request.To <= at && request.To > at - EndLookBack ? Period(window, request.From!.Value, request.To!.Value) : null;
        }

        var (cron, zone, duration) = recurrence;
        var latestStart = at - duration;
        var start = cron.GetOccurrences(latestStart - EndLookBack, latestStart, zone, fromInclusive: false, toInclusive: true).LastOrDefault();
        return start == default ? null : Period(window, start, start + duration);
    }

    /// <summary>The next start or end of an occurrence after <paramref name="after"/>, or null when the window has no more.</summary>
    public static DateTimeOffset? NextEdge(MaintenanceWindow window, DateTimeOffset after)
    {
        ArgumentNullException.ThrowIfNull(window);
        var request = window.Request;
        if (Recurrence(request) is not { } recurrence)
        {
            return request.From > after ? request.From : request.To > after ? request.To : null;
        }

        var (cron, zone, _) = recurrence;
        var nextStart = cron.GetNextOccurrence(after, zone);
        return Covering(window, after) is { } current && (nextStart is null || current.End < nextStart) ? current.End : nextStart;
    }

    /// <summary>Parses a five-field cron expression; false when it is not one.</summary>
    public static bool TryParseCron(string? text, out CronExpression? cron)
    {
        cron = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        try
        {
            cron = CronExpression.Parse(text.Trim(), CronFormat.Standard);
            return true;
        }
        catch (CronFormatException)
        {
            return false;
        }
    }

    private static (CronExpression Cron, TimeZoneInfo Zone, TimeSpan Duration)? Recurrence(MaintenanceRequest request) =>
        request.Cron is { } text && TryParseCron(text, out var cron) && request.TimeZone is { } zone && request.Duration is { } duration
            ? (cron!, TimeZoneInfo.FindSystemTimeZoneById(zone), duration)
            : null;

    private static MaintenancePeriod Period(MaintenanceWindow window, DateTimeOffset start, DateTimeOffset end) =>
        new(window.Id, start, end, window.Request.Reason);
}
