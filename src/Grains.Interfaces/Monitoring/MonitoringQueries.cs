using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.Grains.Interfaces.Monitoring;

/// <summary>How finely <c>/api/history</c> answers: raw results, or minute, hour or day rollups.</summary>
public enum HistoryResolution
{
    /// <summary>Every stored result.</summary>
    Raw,

    /// <summary>One point per check and minute.</summary>
    Minute,

    /// <summary>One point per check and hour.</summary>
    Hour,

    /// <summary>One point per check and UTC day.</summary>
    Day,
}

/// <summary>Wire names of <see cref="HistoryResolution"/> and the rule that picks one when none is asked for.</summary>
public static class HistoryResolutions
{
    /// <summary>
    /// The resolution for a range of <paramref name="hours"/> when the caller names none, chosen so an answer holds
    /// a few hundred points per check at most: raw up to 1 h, minute up to 6 h, hour up to 7 days (168 h), day beyond.
    /// </summary>
    public static HistoryResolution For(int hours) => hours switch
    {
        <= 1 => HistoryResolution.Raw,
        <= 6 => HistoryResolution.Minute,
        <= 168 => HistoryResolution.Hour,
        _ => HistoryResolution.Day,
    };

    /// <summary>The lower-case wire name: <c>raw</c>, <c>minute</c>, <c>hour</c>, <c>day</c>.</summary>
    public static string ToWireName(this HistoryResolution resolution) => resolution switch
    {
        HistoryResolution.Raw => "raw",
        HistoryResolution.Minute => "minute",
        HistoryResolution.Hour => "hour",
        HistoryResolution.Day => "day",
        _ => throw new ArgumentOutOfRangeException(nameof(resolution), resolution, null),
    };

    /// <summary>Parses a wire name, case-insensitively.</summary>
    public static bool TryParse(string? value, out HistoryResolution resolution)
    {
        foreach (var candidate in Enum.GetValues<HistoryResolution>())
        {
            if (string.Equals(candidate.ToWireName(), value, StringComparison.OrdinalIgnoreCase))
            {
                resolution = candidate;
                return true;
            }
        }

        resolution = default;
        return false;
    }
}

/// <summary>
/// A time range of one account's monitoring data, optionally narrowed to one check; statistics leave out the
/// account's maintenance periods (the whole minutes they touch, and the incidents that opened in them) when
/// <see cref="ExcludeMaintenance"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.MonitoringRange")]
public sealed record MonitoringRange(
    [property: Id(0)] string Account,
    [property: Id(1)] DateTimeOffset From,
    [property: Id(2)] DateTimeOffset To,
    [property: Id(3)] CheckType? CheckType,
    [property: Id(4)] bool ExcludeMaintenance = false);

/// <summary>One stored probe result as <c>/api/history</c> and the export show it.</summary>
[GenerateSerializer, Immutable, Alias("amohub.StoredCheckResult")]
public sealed record StoredCheckResult(
    [property: Id(0)] long Id,
    [property: Id(1)] DateTimeOffset Timestamp,
    [property: Id(2)] string CheckType,
    [property: Id(3)] string Status,
    [property: Id(4)] int ResponseTime,
    [property: Id(5)] int? HttpStatus,
    [property: Id(6)] string? ErrorCode,
    [property: Id(7)] string? ErrorMessage);

/// <summary>
/// One rollup bucket of one check: how many results, their latency (avg, min, max and the exact nearest-rank p95, ms)
/// and how they split by status. <see cref="Uptime"/> is the percentage of results that were not down.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.RollupPoint")]
public sealed record RollupPoint(
    [property: Id(0)] DateTimeOffset BucketStart,
    [property: Id(1)] string CheckType,
    [property: Id(2)] long Count,
    [property: Id(3)] double Avg,
    [property: Id(4)] int Min,
    [property: Id(5)] int Max,
    [property: Id(6)] int P95,
    [property: Id(7)] double Uptime,
    [property: Id(8)] long Up,
    [property: Id(9)] long Warning,
    [property: Id(10)] long Down);

/// <summary>What <c>/api/history</c> asks for: a range, a resolution and a page (1-based), newest first.</summary>
[GenerateSerializer, Immutable, Alias("amohub.HistoryRequest")]
public sealed record HistoryRequest(
    [property: Id(0)] MonitoringRange Range,
    [property: Id(1)] HistoryResolution Resolution,
    [property: Id(2)] int Page,
    [property: Id(3)] int PageSize);

/// <summary>
/// A page of history, newest first: raw <see cref="Results"/> or rollup <see cref="Buckets"/> (the other is null).
/// <see cref="From"/> is the requested start aligned down to the resolution's bucket; <see cref="Total"/> counts
/// every item of the range.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.HistoryPage")]
public sealed record HistoryPage(
    [property: Id(0)] string Account,
    [property: Id(1)] string Resolution,
    [property: Id(2)] DateTimeOffset From,
    [property: Id(3)] DateTimeOffset To,
    [property: Id(4)] int Page,
    [property: Id(5)] int PageSize,
    [property: Id(6)] long Total,
    [property: Id(7)] IReadOnlyList<StoredCheckResult>? Results,
    [property: Id(8)] IReadOnlyList<RollupPoint>? Buckets);

/// <summary>
/// One check over a range. Percentages are 0-100; times are milliseconds. <see cref="Uptime"/>: results not down;
/// <see cref="SuccessRate"/>: results up; <see cref="P50"/>/<see cref="P95"/>/<see cref="P99"/>: exact nearest-rank
/// percentiles of the latencies. Incidents count when they overlap the range; <see cref="TotalDowntime"/> is clipped
/// to it (an open incident lasts until <c>To</c>); <see cref="Mttr"/> is the mean duration of the closed ones;
/// <see cref="Mtbf"/> is the range's time outside incidents divided by the incident count.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.CheckStats")]
public sealed record CheckStats(
    [property: Id(0)] string CheckType,
    [property: Id(1)] long TotalChecks,
    [property: Id(2)] double? Uptime,
    [property: Id(3)] double? SuccessRate,
    [property: Id(4)] long FailureCount,
    [property: Id(5)] long WarningCount,
    [property: Id(6)] double? AvgResponseTime,
    [property: Id(7)] int? MinResponseTime,
    [property: Id(8)] int? MaxResponseTime,
    [property: Id(9)] int? P50,
    [property: Id(10)] int? P95,
    [property: Id(11)] int? P99,
    [property: Id(12)] int IncidentCount,
    [property: Id(13)] long TotalDowntime,
    [property: Id(14)] long? Mttr,
    [property: Id(15)] long? Mtbf);

/// <summary>Per-check statistics over <see cref="From"/> (the requested start aligned down) to <see cref="To"/>.</summary>
[GenerateSerializer, Immutable, Alias("amohub.StatsAnswer")]
public sealed record StatsAnswer(
    [property: Id(0)] string Account,
    [property: Id(1)] DateTimeOffset From,
    [property: Id(2)] DateTimeOffset To,
    [property: Id(3)] IReadOnlyList<CheckStats> Checks);

/// <summary>One row of <c>incidents</c>; <see cref="Duration"/> (ms) is null while it is open.</summary>
[GenerateSerializer, Immutable, Alias("amohub.StoredIncident")]
public sealed record StoredIncident(
    [property: Id(0)] long Id,
    [property: Id(1)] string CheckType,
    [property: Id(2)] DateTimeOffset StartTime,
    [property: Id(3)] DateTimeOffset? EndTime,
    [property: Id(4)] long? Duration,
    [property: Id(5)] string? Details,
    [property: Id(6)] string? ErrorCode,
    [property: Id(7)] int? HttpStatus,
    [property: Id(8)] DateTimeOffset? AcknowledgedAt,
    [property: Id(9)] string? AcknowledgedBy);

/// <summary>Where a paged read goes on from: after this timestamp (unix ms) and row id.</summary>
[GenerateSerializer, Immutable, Alias("amohub.ExportCursor")]
public sealed record ExportCursor(
    [property: Id(0)] long Timestamp,
    [property: Id(1)] long Id);

/// <summary>
/// Reads the monitoring data (results, rollups, incidents) for the HTTP API. A stateless worker keyed 0: any silo
/// answers, several at once. Statistics never read raw results: they merge rollups and their latency histograms.
/// </summary>
public interface IMonitoringQueryGrain : IGrainWithIntegerKey
{
    /// <summary>A page of the range's results or rollup buckets, newest first.</summary>
    Task<HistoryPage> GetHistoryAsync(HistoryRequest request);

    /// <summary>
    /// Per-check statistics over the range, from day, hour and minute rollups and <c>incidents</c>, without the
    /// maintenance periods when the range says so.
    /// </summary>
    Task<StatsAnswer> GetStatsAsync(MonitoringRange range);

    /// <summary>
    /// Up to <paramref name="limit"/> results of the range's check (<see cref="MonitoringRange.CheckType"/> is required),
    /// oldest first, after <paramref name="after"/>: the export reads a range page by page, the last row of each page
    /// being the next cursor.
    /// </summary>
    Task<IReadOnlyList<StoredCheckResult>> ReadResultsAsync(MonitoringRange range, ExportCursor? after, int limit);

    /// <summary>Up to <paramref name="limit"/> incidents overlapping the range with an id above <paramref name="afterId"/>, by id.</summary>
    Task<IReadOnlyList<StoredIncident>> ReadIncidentsAsync(MonitoringRange range, long afterId, int limit);
}
