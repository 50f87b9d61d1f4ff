using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Sandbox;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Monitoring;

public sealed class ApiProbeTests
{
    private const string Account = "sandbox";
    private static readonly string[] Probed = ["GET", "HOOK", "WEB"];

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_API_webhooks_API_and_web_UI_probes_report_the_sandbox_up_then_down_during_an_outage(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine, new Dictionary<string, string>
        {
            ["AmoHub:Probes:Interval"] = "00:00:01",
            ["AmoHub:Probes:Timeout"] = "00:00:02",
        });

        await WaitForAsync(hub, "up");
        hub.Sandbox.Sandbox.SetFault(Account, new SandboxFault(FailureRate: 1.0, FailureStatus: 502));
        var down = await WaitForAsync(hub, "down");
        hub.Sandbox.Sandbox.ClearFaults(Account);
        await WaitForAsync(hub, "up");

        Assert.All(down, check => Assert.Equal(502, check.GetProperty("httpStatus").GetInt32()));
        Assert.All(down, check => Assert.False(string.IsNullOrEmpty(check.GetProperty("errorMessage").GetString())));
        Assert.Equal(0, hub.Sandbox.Sandbox.GetStats(Account).TooManyRequests);
        foreach (var check in Probed)
        {
            Assert.True(await hub.Database.ScalarAsync($"SELECT COUNT(*) FROM health_checks WHERE account = '{Account}' AND check_type = '{check}' AND status = 'down'") > 0, check);
        }
    }

    private static async Task<List<JsonElement>> WaitForAsync(InProcessAmoHub hub, string status)
    {
        var checks = await Eventually.MatchAsync(
            async () => (await hub.Http.GetFromJsonAsync<JsonElement>("/api/status")).GetProperty("checks").EnumerateArray().ToList(),
            found => Probed.All(type => found.Any(c => c.GetProperty("checkType").GetString() == type && c.GetProperty("status").GetString() == status)),
            TimeSpan.FromSeconds(20),
            $"GET, HOOK and WEB to report {status}");
        return checks.Where(c => c.GetProperty("checkType").GetString() is "GET" or "HOOK" or "WEB").ToList();
    }
}
