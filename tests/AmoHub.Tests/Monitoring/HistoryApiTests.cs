using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Monitoring.Rollups;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Monitoring;

[Collection(SharedMonitoringHub.Name)]
public sealed class HistoryApiTests(MonitoringApiFixture fixture)
{
    [Theory]
    [InlineData(1, "raw")]
    [InlineData(2, "minute")]
    [InlineData(6, "minute")]
    [InlineData(7, "hour")]
    [InlineData(168, "hour")]
    [InlineData(169, "day")]
    [InlineData(720, "day")]
    public async Task Without_a_resolution_the_range_picks_one_that_keeps_the_answer_small(int hours, string expected)
    {
        var seeded = await fixture.GetAsync(StorageProvider.Sqlite);

        var answer = await seeded.Hub.Http.GetFromJsonAsync<JsonElement>($"/api/history?hours={hours}");

        Assert.Equal(expected, answer.GetProperty("resolution").GetString());
        Assert.Equal(expected == "raw" ? JsonValueKind.Array : JsonValueKind.Null, answer.GetProperty("results").ValueKind);
        Assert.Equal(expected == "raw" ? JsonValueKind.Null : JsonValueKind.Array, answer.GetProperty("buckets").ValueKind);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Raw_history_pages_through_every_result_newest_first(StorageProvider engine)
    {
        var seeded = await fixture.GetAsync(engine);
        var pages = new List<JsonElement>();
        long total;
        var page = 1;
        do
        {
            var answer = await seeded.Hub.Http.GetFromJsonAsync<JsonElement>($"/api/history?hours=72&resolution=raw&pageSize=5000&page={page++}");
            total = answer.GetProperty("total").GetInt64();
            Assert.Equal(5000, answer.GetProperty("pageSize").GetInt32());
            pages.AddRange(answer.GetProperty("results").EnumerateArray());
        }
        while (pages.Count < total);

        var expected = seeded.Results.OrderByDescending(r => r.Result.Timestamp).ToList();
        Assert.Equal(expected.Count, total);
        Assert.Equal(expected.Count, pages.Count);
        foreach (var (record, point) in expected.Zip(pages))
        {
            Assert.Equal(record.Result.Timestamp, point.GetProperty("timestamp").GetDateTimeOffset());
            Assert.Equal(record.CheckType.ToWireName(), point.GetProperty("checkType").GetString());
            Assert.Equal(record.Result.Status.ToWireName(), point.GetProperty("status").GetString());
            Assert.Equal(record.Result.ResponseTimeMs, point.GetProperty("responseTime").GetInt32());
            Assert.Equal(record.Result.HttpStatus, point.GetProperty("httpStatus").GetInt32());
            Assert.Equal(record.Result.ErrorCode, point.GetProperty("errorCode").GetString());
            Assert.Equal(record.Result.ErrorMessage, point.GetProperty("errorMessage").GetString());
        }

        var beyond = await seeded.Hub.Http.GetFromJsonAsync<JsonElement>($"/api/history?hours=72&resolution=raw&pageSize=5000&page={page}");
        Assert.Empty(beyond.GetProperty("results").EnumerateArray());
        var small = await seeded.Hub.Http.GetFromJsonAsync<JsonElement>("/api/history?hours=72&resolution=raw&checkType=WEB&page=3");
        Assert.Equal(500, small.GetProperty("pageSize").GetInt32());
        Assert.Equal(
            expected.Where(r => r.CheckType == CheckType.Web).Skip(1000).Take(500).Select(r => r.Result.Timestamp),
            small.GetProperty("results").EnumerateArray().Select(p => p.GetProperty("timestamp").GetDateTimeOffset()));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_page_whose_offset_passes_the_int_range_answers_an_empty_page(StorageProvider engine)
    {
        var seeded = await fixture.GetAsync(engine);

        // (500,000 - 1) × 5,000 rows to skip is more than int.MaxValue.
        foreach (var (resolution, items) in new[] { ("raw", "results"), ("minute", "buckets") })
        {
            using var response = await seeded.Hub.Http.GetAsync($"/api/history?hours=72&resolution={resolution}&page=500000&pageSize=5000");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(500_000, answer.GetProperty("page").GetInt32());
            Assert.True(answer.GetProperty("total").GetInt64() > 0);
            Assert.Empty(answer.GetProperty(items).EnumerateArray());
        }
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Rollup_history_buckets_equal_the_raw_results_they_cover(StorageProvider engine)
    {
        var seeded = await fixture.GetAsync(engine);

        foreach (var (query, resolution) in new[] { ("hours=48&resolution=hour", RollupResolution.Hour), ("hours=3", RollupResolution.Minute), ("hours=720", RollupResolution.Day) })
        {
            var answer = await seeded.Hub.Http.GetFromJsonAsync<JsonElement>($"/api/history?{query}&pageSize=5000");
            var from = answer.GetProperty("from").GetDateTimeOffset().ToUnixTimeMilliseconds();
            var buckets = answer.GetProperty("buckets").EnumerateArray().ToList();
            var expected = seeded.Results
                .Where(r => resolution.Floor(r.Result.Timestamp.ToUnixTimeMilliseconds()) >= from)
                .GroupBy(r => (Start: resolution.Floor(r.Result.Timestamp.ToUnixTimeMilliseconds()), Check: r.CheckType.ToWireName()))
                .OrderByDescending(g => g.Key.Start).ThenBy(g => g.Key.Check, StringComparer.Ordinal)
                .ToList();
            Assert.Equal(0, from % resolution.Length());
            Assert.Equal(expected.Count, answer.GetProperty("total").GetInt64());
            Assert.Equal(expected.Count, buckets.Count);
            foreach (var (group, bucket) in expected.Zip(buckets))
            {
                var times = group.Select(r => r.Result.ResponseTimeMs).ToList();
                Assert.Equal(group.Key.Start, bucket.GetProperty("bucketStart").GetDateTimeOffset().ToUnixTimeMilliseconds());
                Assert.Equal(group.Key.Check, bucket.GetProperty("checkType").GetString());
                Assert.Equal(times.Count, bucket.GetProperty("count").GetInt64());
                Assert.Equal((double)times.Sum(t => (long)t) / times.Count, bucket.GetProperty("avg").GetDouble());
                Assert.Equal(times.Min(), bucket.GetProperty("min").GetInt32());
                Assert.Equal(times.Max(), bucket.GetProperty("max").GetInt32());
                Assert.Equal(MonitoringSamples.NearestRank(times, 95), bucket.GetProperty("p95").GetInt32());
                Assert.Equal(group.Count(r => r.Result.Status == HealthStatus.Up), bucket.GetProperty("up").GetInt64());
                Assert.Equal(group.Count(r => r.Result.Status == HealthStatus.Warning), bucket.GetProperty("warning").GetInt64());
                Assert.Equal(group.Count(r => r.Result.Status == HealthStatus.Down), bucket.GetProperty("down").GetInt64());
                Assert.Equal(group.Count(r => r.Result.Status != HealthStatus.Down) * 100.0 / times.Count, bucket.GetProperty("uptime").GetDouble());
            }
        }
    }
}
