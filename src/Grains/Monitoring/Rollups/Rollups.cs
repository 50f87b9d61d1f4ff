using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.Grains.Monitoring.Rollups;

/// <summary>The bucket sizes of <c>health_rollups</c>; buckets start at whole UTC minutes, hours and days.</summary>
public enum RollupResolution
{
    /// <summary>One minute, stored as <c>m</c>.</summary>
    Minute,

    /// <summary>One hour, stored as <c>h</c>.</summary>
    Hour,

    /// <summary>One UTC day, stored as <c>d</c>.</summary>
    Day,
}

/// <summary>Bucket arithmetic on unix milliseconds.</summary>
public static class RollupResolutions
{
    /// <summary>Every resolution, finest first.</summary>
    public static IReadOnlyList<RollupResolution> All { get; } = Enum.GetValues<RollupResolution>();

    /// <summary>The value of <c>health_rollups.resolution</c>.</summary>
    public static string Code(this RollupResolution resolution) => resolution switch
    {
        RollupResolution.Minute => "m",
        RollupResolution.Hour => "h",
        RollupResolution.Day => "d",
        _ => throw new ArgumentOutOfRangeException(nameof(resolution), resolution, null),
    };

    /// <summary>Reads a value of <c>health_rollups.resolution</c>.</summary>
    public static RollupResolution FromCode(string code) => code switch
    {
        "m" => RollupResolution.Minute,
        "h" => RollupResolution.Hour,
        "d" => RollupResolution.Day,
        _ => throw new FormatException($"'{code}' is not a rollup resolution."),
    };

    /// <summary>A bucket's length in milliseconds.</summary>
    public static long Length(this RollupResolution resolution) => resolution switch
    {
        RollupResolution.Minute => 60_000L,
        RollupResolution.Hour => 3_600_000L,
        RollupResolution.Day => 86_400_000L,
        _ => throw new ArgumentOutOfRangeException(nameof(resolution), resolution, null),
    };

    /// <summary>The start of the bucket holding <paramref name="unixMs"/>.</summary>
    public static long Floor(this RollupResolution resolution, long unixMs) =>
        unixMs - (((unixMs % resolution.Length()) + resolution.Length()) % resolution.Length());

    /// <summary>The first bucket start at or after <paramref name="unixMs"/>.</summary>
    public static long Ceiling(this RollupResolution resolution, long unixMs)
    {
        var floor = resolution.Floor(unixMs);
        return floor == unixMs ? floor : floor + resolution.Length();
    }

    /// <summary>The rollup resolution that serves a history resolution (none for raw).</summary>
    public static RollupResolution? ForHistory(HistoryResolution resolution) => resolution switch
    {
        HistoryResolution.Minute => RollupResolution.Minute,
        HistoryResolution.Hour => RollupResolution.Hour,
        HistoryResolution.Day => RollupResolution.Day,
        _ => null,
    };
}

/// <summary>The key of one row of <c>health_rollups</c>.</summary>
public readonly record struct RollupKey(string Account, string CheckType, RollupResolution Resolution, long BucketStart);

/// <summary>The aggregate of one bucket: status counts, latency sum, min, max and exact histogram.</summary>
public sealed class RollupCell
{
    /// <summary>Results in the bucket.</summary>
    public long Total { get; private set; }

    /// <summary>Results that were up.</summary>
    public long Up { get; private set; }

    /// <summary>Results that were warnings.</summary>
    public long Warning { get; private set; }

    /// <summary>Results that were down.</summary>
    public long Down { get; private set; }

    /// <summary>Sum of the response times, ms.</summary>
    public long ResponseTimeSum { get; private set; }

    /// <summary>Smallest response time, ms (<see cref="int.MaxValue"/> while empty).</summary>
    public int ResponseTimeMin { get; private set; } = int.MaxValue;

    /// <summary>Largest response time, ms.</summary>
    public int ResponseTimeMax { get; private set; }

    /// <summary>Every response time at 1 ms resolution.</summary>
    public LatencyHistogram Histogram { get; } = new();

    /// <summary>Adds a cell as stored in a <c>health_rollups</c> row, its histogram still encoded.</summary>
    public void AddStored(long total, long up, long warning, long down, long sum, int min, int max, ReadOnlySpan<byte> histogram)
    {
        Total += total;
        Up += up;
        Warning += warning;
        Down += down;
        ResponseTimeSum += sum;
        ResponseTimeMin = Math.Min(ResponseTimeMin, min);
        ResponseTimeMax = Math.Max(ResponseTimeMax, max);
        Histogram.AddEncoded(histogram);
    }

    /// <summary>Counts one result (a negative response time counts as 0).</summary>
    public void Add(HealthStatus status, int responseTimeMs)
    {
        var milliseconds = Math.Max(0, responseTimeMs);
        Total++;
        Up += status == HealthStatus.Up ? 1 : 0;
        Warning += status == HealthStatus.Warning ? 1 : 0;
        Down += status == HealthStatus.Down ? 1 : 0;
        ResponseTimeSum += milliseconds;
        ResponseTimeMin = Math.Min(ResponseTimeMin, milliseconds);
        ResponseTimeMax = Math.Max(ResponseTimeMax, milliseconds);
        Histogram.Add(milliseconds);
    }

    /// <summary>Adds another cell of the same key (or of buckets that make up a longer range).</summary>
    public void Add(RollupCell other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Total += other.Total;
        Up += other.Up;
        Warning += other.Warning;
        Down += other.Down;
        ResponseTimeSum += other.ResponseTimeSum;
        ResponseTimeMin = Math.Min(ResponseTimeMin, other.ResponseTimeMin);
        ResponseTimeMax = Math.Max(ResponseTimeMax, other.ResponseTimeMax);
        Histogram.Add(other.Histogram);
    }
}

/// <summary>The rollup cells of a batch of results, aggregated in memory before they are merged into the table.</summary>
public sealed class RollupBatch
{
    private readonly Dictionary<RollupKey, RollupCell> _cells = [];

    /// <summary>The cells by key.</summary>
    public IReadOnlyDictionary<RollupKey, RollupCell> Cells => _cells;

    /// <summary>Counts a result in its minute, hour and day.</summary>
    public void Add(string account, CheckType checkType, CheckResult result) => Add(account, checkType, result, RollupResolutions.All);

    /// <summary>Counts a result in its buckets of the given resolutions only.</summary>
    public void Add(string account, CheckType checkType, CheckResult result, IReadOnlyList<RollupResolution> resolutions)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(resolutions);
        var timestamp = result.Timestamp.ToUnixTimeMilliseconds();
        var wireName = checkType.ToWireName();
        foreach (var resolution in resolutions)
        {
            var key = new RollupKey(account, wireName, resolution, resolution.Floor(timestamp));
            if (!_cells.TryGetValue(key, out var cell))
            {
                cell = new RollupCell();
                _cells.Add(key, cell);
            }

            cell.Add(result.Status, result.ResponseTimeMs);
        }
    }
}
