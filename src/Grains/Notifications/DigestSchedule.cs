using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Maintenance;
using Cronos;

namespace AmoHub.Grains.Notifications;

/// <summary>
/// When an account's weekly digest is due and which week it covers. The cron expression is read in the account's
/// time zone, so "Mondays at 09:00" stays at 09:00 local time on both sides of a daylight-saving change (Cronos skips
/// a time the clocks jump over and runs an ambiguous one once). A digest is due at its latest occurrence that is not
/// older than <see cref="MaxLateness"/>, not before the schedule started and not already sent: evaluated twice, it is
/// sent once; due while AmoHub was down, it is sent when AmoHub comes back within a day, and skipped after that (a
/// week's figures a day late are still worth reading, two digests in a row are not).
/// </summary>
public static class DigestSchedule
{
    /// <summary>What a digest's cron expression must look like, for error messages.</summary>
    public const string CronRule = "must be a five-field cron expression (minute hour day-of-month month day-of-week) such as \"0 9 * * MON\".";

    /// <summary>How late a digest is still sent (after a restart, say); an older occurrence is skipped.</summary>
    public static readonly TimeSpan MaxLateness = TimeSpan.FromDays(1);

    /// <summary>How many days of the account's calendar a digest covers.</summary>
    public const int Days = 7;

    /// <summary>Parses a five-field cron expression; false when it is not one.</summary>
    public static bool TryParse(string? text, out CronExpression? cron) => MaintenanceSchedule.TryParseCron(text, out cron);

    /// <summary>
    /// Whether an account gets its digest on schedule, when, and in which time zone: its own settings first, then the
    /// deployment's (both validated before they got here).
    /// </summary>
    public static (bool Enabled, CronExpression Cron, TimeZoneInfo Zone) Resolve(NotificationSettings settings, NotificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        _ = TryParse(settings.Digest?.Cron ?? options.Digest.Cron, out var cron);
        return (settings.Digest?.Enabled ?? options.Digest.Enabled, cron!, options.ZoneOf(settings));
    }

    /// <summary>
    /// The occurrence due at <paramref name="now"/>: the latest one at or before it, after <paramref name="since"/>
    /// (the schedule's start) and <paramref name="lastSent"/>, and within <see cref="MaxLateness"/>; null when none is.
    /// </summary>
    public static DateTimeOffset? Due(CronExpression cron, TimeZoneInfo zone, DateTimeOffset now, DateTimeOffset since, DateTimeOffset? lastSent)
    {
        ArgumentNullException.ThrowIfNull(cron);
        var after = now - MaxLateness;
        after = since > after ? since : after;
        after = lastSent > after ? lastSent.Value : after;
        if (after >= now)
        {
            return null;
        }

        var due = cron.GetOccurrences(after, now, zone, fromInclusive: false, toInclusive: true).LastOrDefault();
        return due == default ? null : due;
    }

    /// <summary>The first occurrence after <paramref name="after"/>; null when the expression has none (it always has, in practice).</summary>
    public static DateTimeOffset? Next(CronExpression cron, TimeZoneInfo zone, DateTimeOffset after)
    {
        ArgumentNullException.ThrowIfNull(cron);
        return cron.GetNextOccurrence(after, zone);
    }

    /// <summary>
    /// The start of the week a digest ending at <paramref name="to"/> covers: the same local time <see cref="Days"/>
    /// days before in <paramref name="zone"/> (a week across a daylight-saving change is an hour shorter or longer);
    /// a local time the clocks skipped moves past the gap.
    /// </summary>
    public static DateTimeOffset WeekStart(DateTimeOffset to, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(to, zone).DateTime.AddDays(-Days);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
