using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Sandbox.Faults;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Monitoring;

public sealed class ApiProbeTests
{
    private const string Account = "sandbox";
    private static readonly string[] Probed = ["GET", "POST", "HOOK", "WEB"];

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_API_read_API_write_webhooks_API_and_web_UI_probes_report_the_sandbox_up_then_down_during_an_outage(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine, new Dictionary<string, string>
        {
            ["AmoHub:Probes:Enabled"] = "true",
            ["AmoHub:Probes:Interval"] = "00:00:02",
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

    [Fact]
    public async Task A_real_account_without_a_test_lead_gets_a_POST_warning_that_says_what_to_configure()
    {
        await using var amoCrm = await StandaloneSandbox.StartAsync();
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite, new Dictionary<string, string>
        {
            ["AmoHub:Probes:Enabled"] = "true",
            ["AmoHub:Probes:Interval"] = "00:00:01",
            ["AmoHub:Sandbox:Enabled"] = "false",
            ["AmoHub:Accounts:0:Subdomain"] = "acme",
            ["AmoHub:Accounts:0:BaseUrl"] = new Uri(amoCrm.Url, "acme/").AbsoluteUri,
            ["AmoHub:Accounts:0:AccessToken"] = amoCrm.AccessToken,
        });

        var checks = await Eventually.MatchAsync(
            () => MonitoringHost.ChecksAsync(hub, "acme"),
            found => found.Status("POST") is not ("unknown" or "missing") && found.Status("GET") == "up",
            TimeSpan.FromSeconds(20),
            "the POST and GET probes of acme to report");

        Assert.Equal("warning", checks.Status("POST"));
        Assert.Contains("TestLeadId", checks.Check("POST").GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Empty(amoCrm.Sandbox.GetLeads("acme"));
    }

    private static async Task<List<JsonElement>> WaitForAsync(InProcessAmoHub hub, string status)
    {
        var checks = await Eventually.MatchAsync(
            async () => (await hub.Http.GetFromJsonAsync<JsonElement>("/api/status")).GetProperty("checks").EnumerateArray().ToList(),
            found => Probed.All(type => found.Any(c => c.GetProperty("checkType").GetString() == type && c.GetProperty("status").GetString() == status)),
            TimeSpan.FromSeconds(20),
            $"GET, POST, HOOK and WEB to report {status}");
        return checks.Where(c => Probed.Contains(c.GetProperty("checkType").GetString())).ToList();
    }
}
