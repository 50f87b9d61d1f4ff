using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Monitoring;

[Collection(SharedMonitoringHub.Name)]
public sealed class StatsApiTests(MonitoringApiFixture fixture)
{
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Stats_over_any_range_equal_what_the_raw_results_and_incidents_give(StorageProvider engine)
    {
        var seeded = await fixture.GetAsync(engine);

        // 2 h: minutes and hours; 24 h and 48 h: minutes, hours and whole days; 720 h: all of the samples.
        foreach (var hours in new[] { 2, 24, 48, 720 })
        {
            var answer = await seeded.Hub.Http.GetFromJsonAsync<JsonElement>($"/api/stats?hours={hours}");
            var from = answer.GetProperty("from").GetDateTimeOffset().ToUnixTimeMilliseconds();
            var to = answer.GetProperty("to").GetDateTimeOffset().ToUnixTimeMilliseconds();
            Assert.Equal(0, from % 60_000);
            // Past the minute rollups' 7 days the start aligns to the hour.
            Assert.InRange(to - from, hours * 3_600_000L, (hours * 3_600_000L) + (hours > 168 ? 3_600_000 : 60_000));
            var checks = answer.GetProperty("checks").EnumerateArray().ToList();
            Assert.Equal(["GET", "POST", "WEB"], checks.Select(c => c.GetProperty("checkType").GetString()));
            foreach (var check in checks)
            {
                AssertStats(check, seeded, from, to);
            }
        }
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Stats_of_one_check_answer_that_check_only_even_without_results(StorageProvider engine)
    {
        var seeded = await fixture.GetAsync(engine);

        var post = await seeded.Hub.Http.GetFromJsonAsync<JsonElement>($"/api/stats?hours=48&checkType=post&clientId={MonitoringApiFixture.Account}");
        var dp = await seeded.Hub.Http.GetFromJsonAsync<JsonElement>("/api/stats?hours=48&checkType=DP");

        var check = Assert.Single(post.GetProperty("checks").EnumerateArray());
        AssertStats(check, seeded, post.GetProperty("from").GetDateTimeOffset().ToUnixTimeMilliseconds(), post.GetProperty("to").GetDateTimeOffset().ToUnixTimeMilliseconds());
        var empty = Assert.Single(dp.GetProperty("checks").EnumerateArray());
        Assert.Equal(0, empty.GetProperty("totalChecks").GetInt64());
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("p95").ValueKind);
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("uptime").ValueKind);
    }

    private static void AssertStats(JsonElement check, SeededHub seeded, long from, long to)
    {
        var checkType = check.GetProperty("checkType").GetString()!;
        var rows = seeded.Results
            .Where(r => r.CheckType.ToWireName() == checkType && r.Result.Timestamp.ToUnixTimeMilliseconds() >= from)
            .Select(r => r.Result)
            .ToList();
        var times = rows.Select(r => r.ResponseTimeMs).ToList();
        long total = rows.Count, up = rows.Count(r => r.Status == HealthStatus.Up), down = rows.Count(r => r.Status == HealthStatus.Down);

        Assert.Equal(total, check.GetProperty("totalChecks").GetInt64());
        Assert.Equal(down, check.GetProperty("failureCount").GetInt64());
        Assert.Equal(rows.Count(r => r.Status == HealthStatus.Warning), check.GetProperty("warningCount").GetInt64());
        Assert.Equal((total - down) * 100.0 / total, check.GetProperty("uptime").GetDouble());
        Assert.Equal(up * 100.0 / total, check.GetProperty("successRate").GetDouble());
        Assert.Equal((double)times.Sum(t => (long)t) / total, check.GetProperty("avgResponseTime").GetDouble());
        Assert.Equal(times.Min(), check.GetProperty("minResponseTime").GetInt32());
        Assert.Equal(times.Max(), check.GetProperty("maxResponseTime").GetInt32());
        Assert.Equal(MonitoringSamples.NearestRank(times, 50), check.GetProperty("p50").GetInt32());
        Assert.Equal(MonitoringSamples.NearestRank(times, 95), check.GetProperty("p95").GetInt32());
        Assert.Equal(MonitoringSamples.NearestRank(times, 99), check.GetProperty("p99").GetInt32());

        var incidents = seeded.Incidents.Where(i => i.CheckType == checkType && i.Start < to && (i.End is null || i.End > from)).ToList();
        var downtime = incidents.Sum(i => Math.Min(i.End ?? to, to) - Math.Max(i.Start, from));
        var closed = incidents.Where(i => i.End is not null).ToList();
        Assert.Equal(incidents.Count, check.GetProperty("incidentCount").GetInt32());
        Assert.Equal(downtime, check.GetProperty("totalDowntime").GetInt64());
        if (closed.Count > 0)
        {
            Assert.Equal((long)Math.Round(closed.Average(i => (double)(i.End!.Value - i.Start))), check.GetProperty("mttr").GetInt64());
        }
        else
        {
            Assert.Equal(JsonValueKind.Null, check.GetProperty("mttr").ValueKind);
        }

        if (incidents.Count > 0)
        {
            Assert.Equal((to - from - downtime) / incidents.Count, check.GetProperty("mtbf").GetInt64());
        }
        else
        {
            Assert.Equal(JsonValueKind.Null, check.GetProperty("mtbf").ValueKind);
        }
    }
}
