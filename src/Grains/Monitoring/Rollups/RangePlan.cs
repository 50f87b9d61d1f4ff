



namespace AmoHub.Grains.Monitoring.Rollups;

/// <summary>Rollup buckets of one resolution whose start lies in [<see cref="From"/>, <see cref="To"/>) (unix ms).</summary>
public readonly record struct RollupSegment(RollupResolution Resolution, long From, long To);

/// <summary>How a range of statistics is read from rollups.</summary>
public static class RangePlan
{
    /// <summary>
    /// The start a range of statistics really has: the requested start aligned down to the minute, or down to the
    /// hour where the minute rollups of that time are already past their retention. <paramref name="now"/> is the
    /// end of the range.
    /// </summary>
    public static long AlignStart(long from, long now, MonitoringSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var start = RollupResolution.Minute.Floor(from);
        return start < now - (long)settings.MinuteRollupRetention.TotalMilliseconds ? RollupResolution.Hour.Floor(start) : start;
    }

    /// <summary>
    /// Covers [<paramref name="from"/>, <paramref name="end"/>), both whole minutes, with the fewest buckets: day
    /// rollups for the whole UTC days, hour rollups for the whole hours around them, minute rollups for the rest.
    /// </summary>
    public static IReadOnlyList<RollupSegment> Cover(long from, long end)
    {
        var firstHour = RollupResolution.Hour.Ceiling(from);
        var lastHour = RollupResolution.Hour.Floor(end);
        if (firstHour >= lastHour)
        {
            return Segments(new RollupSegment(RollupResolution.Minute, from, end));
        }

        var firstDay = RollupResolution.Day.Ceiling(firstHour);
        var lastDay = RollupResolution.Day.Floor(lastHour);
        return firstDay < lastDay
            ? Segments(
                new RollupSegment(RollupResolution.Minute, from, firstHour),
                new RollupSegment(RollupResolution.Hour, firstHour, firstDay),
                new RollupSegment(RollupResolution.Day, firstDay, lastDay),
                new RollupSegment(RollupResolution.Hour, lastDay, lastHour),
                new RollupSegment(RollupResolution.Minute, lastHour, end))
            : Segments(
                new RollupSegment(RollupResolution.Minute, from, firstHour),
                new RollupSegment(RollupResolution.Hour, firstHour, lastHour),
                new RollupSegment(RollupResolution.Minute, lastHour, end));
    }

    /// <summary>
    /// The parts of [<paramref name="from"/>, <paramref name="end"/>) (whole minutes) outside <paramref name="gaps"/>
    /// (unix ms, in any order, overlapping or not), each gap widened to the whole minutes it touches.
    /// </summary>
    public static IReadOnlyList<(long From, long To)> Without(long from, long end, IEnumerable<(long From, long To)> gaps)
    {
        var parts = new List<(long From, long To)>();
        var cursor = from;
        foreach (var (gapFrom, gapTo) in gaps.OrderBy(gap => gap.From))
        {
            var (start, stop) = (RollupResolution.Minute.Floor(gapFrom), RollupResolution.Minute.Ceiling(gapTo));
            if (start > cursor)
            {
                parts.Add((cursor, Math.Min(start, end)));
            }

            cursor = Math.Max(cursor, stop);
        }

        if (cursor < end)
        {
            parts.Add((cursor, end));
        }

        return parts.Where(part => part.From < part.To).ToList();
    }

    private static IReadOnlyList<RollupSegment> Segments(params RollupSegment[] segments) =>
        segments.Where(segment => segment.From < segment.To).ToList();
}
