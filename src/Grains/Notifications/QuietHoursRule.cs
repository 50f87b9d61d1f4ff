using System.Collections.Immutable;
using System.Globalization;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.Grains.Notifications;

/// <summary>
/// An account's quiet hours on its own clock: whether they are on at an instant and until when, which alerts they
/// hold, and the rules of their settings. Times are wall-clock times in the account's zone, so daylight saving time
/// moves them with the clock: 22:00 to 08:00 in Europe/Berlin ends at 07:00 UTC in winter and 06:00 UTC in summer.
/// A time the clock skips (02:30 on the night it springs forward) is reached when the clock jumps past it; a time
/// the clock passes twice (the night it falls back) counts the first time.
/// </summary>
public static class QuietHoursRule
{
    private const string TimeFormat = "HH:mm";

    /// <summary>Parses a time of day written <c>HH:mm</c> (00:00-23:59).</summary>
    public static bool TryParseTime(string? value, out TimeOnly time) =>
        TimeOnly.TryParseExact(value, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    /// <summary>The checks named (wire names, any case; blank and unknown names are left out).</summary>
    public static HashSet<CheckType> ParseChecks(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var checks = new HashSet<CheckType>();
        foreach (var name in names)
        {
            if (CheckTypes.TryParse(name?.Trim(), out var check))
            {
                checks.Add(check);
            }
        }

        return checks;
    }

    /// <summary>The quiet hours as stored: times trimmed, critical checks by their wire names.</summary>
    public static QuietHours Normalize(QuietHours quiet)
    {
        ArgumentNullException.ThrowIfNull(quiet);
        return new QuietHours(
            quiet.From?.Trim() ?? "",
            quiet.To?.Trim() ?? "",
            quiet.Critical is { IsDefault: false } critical
                ? critical.Select(name => CheckTypes.TryParse(name?.Trim(), out var check) ? check.ToWireName() : name?.Trim() ?? "").ToImmutableArray()
                : null);
    }

    /// <summary>Adds the problems with <paramref name="quiet"/> to <paramref name="errors"/>, by JSON path.</summary>
    public static void Validate(QuietHours quiet, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(quiet);
        ArgumentNullException.ThrowIfNull(errors);
        var fromValid = TryParseTime(quiet.From, out var from);
        if (!fromValid)
        {
            errors["quietHours.from"] = ["must be a time of day written HH:mm, such as 22:00."];
        }

        if (!TryParseTime(quiet.To, out var to))
        {
            errors["quietHours.to"] = ["must be a time of day written HH:mm, such as 08:00."];
        }
        else if (fromValid && from == to)
        {
            errors["quietHours.to"] = ["must differ from quietHours.from."];
        }

        var critical = quiet.Critical ?? [];
        for (var i = 0; i < critical.Length; i++)
        {
            if (!CheckTypes.TryParse(critical[i], out _))
            {
                errors[$"quietHours.critical[{i}]"] = ["must be a check: GET, POST, WEB, HOOK or DP."];
            }
        }
    }

    /// <summary>
    /// The end of the quiet hours under way at <paramref name="now"/> on the clock of <paramref name="zone"/>; null
    /// when there are none now (or none at all).
    /// </summary>
    public static DateTimeOffset? Until(QuietHours? quiet, TimeZoneInfo zone, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (quiet is null || !TryParseTime(quiet.From, out var from) || !TryParseTime(quiet.To, out var to) || from == to)
        {
            return null;
        }

        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        var (today, time) = (DateOnly.FromDateTime(local), TimeOnly.FromDateTime(local));
        DateOnly? endDay = from < to
            ? (time >= from && time < to ? today : null)
            : time >= from ? today.AddDays(1) : time < to ? today : null;
        return endDay is { } day ? FirstInstantAt(day.ToDateTime(to), zone, now) : null;
    }

    /// <summary>
    /// Whether quiet hours hold <paramref name="alert"/>: every alert about a check other than the
    /// <paramref name="critical"/> ones; test messages and maintenance announcements (about no check) go out, and so
    /// do the messages of an outage of many accounts, which one account tells on channels others may share.
    /// </summary>
    public static bool Holds(Alert alert, IReadOnlySet<CheckType> critical)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(critical);
        return alert.CheckType is { } check && !critical.Contains(check)
            && alert.Kind is not (AlertKind.GroupDown or AlertKind.GroupUpdate or AlertKind.GroupRestored);
    }

    /// <summary>
    /// The first instant after <paramref name="after"/> at which the clock of <paramref name="zone"/> shows
    /// <paramref name="local"/> or, when it skips that time, has just jumped past it.
    /// </summary>
    private static DateTimeOffset FirstInstantAt(DateTime local, TimeZoneInfo zone, DateTimeOffset after)
    {
        if (zone.IsInvalidTime(local))
        {
            var (before, later) = (zone.GetUtcOffset(local.AddDays(-1)), zone.GetUtcOffset(local.AddDays(1)));
            var instant = new DateTimeOffset(local, before > later ? before : later);
            while (TimeZoneInfo.ConvertTime(instant, zone).DateTime < local)
            {
                instant += TimeSpan.FromMinutes(1);
            }

            return instant;
        }

        var offsets = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local) : [zone.GetUtcOffset(local)];
        var instants = offsets.Select(offset => new DateTimeOffset(local, offset)).Order().ToList();
        return instants.FirstOrDefault(instant => instant > after, instants[^1]);
    }
}
