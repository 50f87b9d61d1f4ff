using AmoHub.Grains.Monitoring.Rollups;
using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Monitoring;

public sealed class RollupTests
{
    private const string Account = "acme";

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Minute_hour_and_day_rollups_hold_exactly_the_raw_results_written(StorageProvider engine)
    {
        using var database = await TestDatabase.CreateMigratedAsync(engine);
        var records = MonitoringSamples.Results(Account, DateTimeOffset.UtcNow, hoursBack: 30);

        // Batches of 97 split minutes, hours and days across batches: every bucket is merged several times.
        await MonitoringSamples.WriteAsync(MonitoringSamples.Writer(database), records, batchSize: 97);

        var raw = await ReadRawAsync(database);
        Assert.Equal(records.Count, raw.Count);
        await AssertRollupsMatchAsync(database, raw);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Two_writers_adding_to_the_same_buckets_at_once_lose_and_double_no_result(StorageProvider engine)
    {
        using var database = await TestDatabase.CreateMigratedAsync(engine);
        var now = DateTimeOffset.UtcNow;
        var first = MonitoringSamples.Results(Account, now, hoursBack: 2, seed: 1);
        var second = MonitoringSamples.Results(Account, now, hoursBack: 2, seed: 2);

        // Two silos during failover: both write results of the same checks and minutes at the same time.
        await Task.WhenAll(
            MonitoringSamples.WriteAsync(MonitoringSamples.Writer(database), first, batchSize: 20),
            MonitoringSamples.WriteAsync(MonitoringSamples.Writer(database), second, batchSize: 20));

        var raw = await ReadRawAsync(database);
        Assert.Equal(first.Count + second.Count, raw.Count);
        await AssertRollupsMatchAsync(database, raw);
    }

    [Fact]
    public void A_histogram_survives_its_stored_form_and_merges_into_exact_percentiles()
    {
        var random = new Random(3);
        var left = Enumerable.Range(0, 5_000).Select(_ => random.Next(0, 12_000)).ToList();
        var right = Enumerable.Range(0, 3_000).Select(_ => random.Next(30, 900)).ToList();
        var a = new LatencyHistogram();
        left.ForEach(value => a.Add(value));
        var b = new LatencyHistogram();
        right.ForEach(value => b.Add(value));

        var merged = new LatencyHistogram();
        merged.AddEncoded(a.Encode());
        merged.AddEncoded(b.Encode());

        var all = left.Concat(right).ToList();
        Assert.Equal(all.Count, merged.Count);
        foreach (var percent in new[] { 0, 1, 50, 90, 95, 99, 100 })
        {
            Assert.Equal(MonitoringSamples.NearestRank(all, percent), merged.Percentiles(percent)[0]);
            Assert.Equal(MonitoringSamples.NearestRank(all, percent), LatencyHistogram.PercentileOfEncoded(merged.Encode(), merged.Count, percent));
        }

        Assert.True(b.Encode().Length < 3 * 870, "~870 distinct values, under 3 bytes each");
        Assert.Null(new LatencyHistogram().Percentiles(95)[0]);
    }

    [Fact]
    public void A_stats_range_is_covered_by_whole_days_then_hours_then_minutes_without_gap_or_overlap()
    {
        var start = DateTimeOffset.Parse("2026-10-23T17:42:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        var end = DateTimeOffset.Parse("2026-11-22T09:13:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

        var segments = RangePlan.Cover(start, end);

        Assert.Equal(
            [RollupResolution.Minute, RollupResolution.Hour, RollupResolution.Day, RollupResolution.Hour, RollupResolution.Minute],
            segments.Select(s => s.Resolution));
        Assert.Equal(start, segments[0].From);
        Assert.Equal(end, segments[^1].To);
        Assert.All(segments.Zip(segments.Skip(1)), pair => Assert.Equal(pair.First.To, pair.Second.From));
        Assert.All(segments, s => Assert.Equal(0, s.From % s.Resolution.Length()));
        Assert.Equal(29, (segments[2].To - segments[2].From) / RollupResolution.Day.Length());
        Assert.Single(RangePlan.Cover(start, start + (20 * 60_000)));
    }

    [Fact]
    public void Maintenance_is_left_out_of_a_stats_range_by_the_whole_minutes_it_touches()
    {
        const long Minute = 60_000;
        var start = DateTimeOffset.Parse("2026-10-23T17:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

        var parts = RangePlan.Without(start, start + (60 * Minute), [
            (start + (30 * Minute) + 1_000, start + (40 * Minute) - 1_000),
            (start - (5 * Minute), start + (10 * Minute)),
            (start + (35 * Minute), start + (45 * Minute)),
        ]);

        Assert.Equal([(start + (10 * Minute), start + (30 * Minute)), (start + (45 * Minute), start + (60 * Minute))], parts);
    }


    private static async Task<List<(string CheckType, long Timestamp, string Status, int ResponseTime)>> ReadRawAsync(TestDatabase database)
    {
        await using var connection = await database.Database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT check_type, timestamp, status, response_time FROM health_checks";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, long, string, int)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetLong(1), reader.GetString(2), (int)reader.GetLong(3)));
        }

        return rows;
    }

    private static async Task AssertRollupsMatchAsync(TestDatabase database, List<(string CheckType, long Timestamp, string Status, int ResponseTime)> raw)
    {
        await using var connection = await database.Database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT account, check_type, resolution, bucket_start, {HealthRollupStore.CellColumns} FROM health_rollups";
        await using var reader = await command.ExecuteReaderAsync();
        var rollups = new Dictionary<(string, string, long), RollupCell>();
        while (await reader.ReadAsync())
        {
            Assert.Equal(Account, reader.GetString(0));
            rollups.Add((reader.GetString(1), reader.GetString(2), reader.GetLong(3)), HealthRollupStore.ReadCell(reader, 4));
        }

        foreach (var resolution in RollupResolutions.All)
        {
            var expected = raw.GroupBy(row => (row.CheckType, resolution.Code(), resolution.Floor(row.Timestamp))).ToList();
            Assert.Equal(expected.Count, rollups.Keys.Count(key => key.Item2 == resolution.Code()));
            foreach (var bucket in expected)
            {
                var cell = rollups[bucket.Key];
                var times = bucket.Select(row => row.ResponseTime).ToList();
                Assert.Equal(times.Count, cell.Total);
                Assert.Equal(bucket.Count(row => row.Status == "up"), cell.Up);
                Assert.Equal(bucket.Count(row => row.Status == "warning"), cell.Warning);
                Assert.Equal(bucket.Count(row => row.Status == "down"), cell.Down);
                Assert.Equal(times.Sum(t => (long)t), cell.ResponseTimeSum);
                Assert.Equal(times.Min(), cell.ResponseTimeMin);
                Assert.Equal(times.Max(), cell.ResponseTimeMax);
                Assert.Equal(times.Count, cell.Histogram.Count);
                Assert.Equal(MonitoringSamples.NearestRank(times, 95), cell.Histogram.Percentiles(95)[0]);
                Assert.Equal(MonitoringSamples.NearestRank(times, 50), cell.Histogram.Percentiles(50)[0]);
            }
        }
    }
}
