using System.Net.Http.Json;
using AmoHub.Sandbox;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Monitoring;

/// <summary>From a sandbox outage to Mattermost, through the real probes, incidents and notifier.</summary>
public sealed class OutageAlertTests
{
    private const string Account = "sandbox";
    private const string Token = "sandbox-alerts";
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(6);

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task An_outage_sends_one_DOWN_per_check_after_the_delay_and_one_RESTORED_and_a_blip_sends_nothing(StorageProvider engine)
    {
        await using var mattermost = await MattermostStandIn.StartAsync();
        await using var hub = await StartAsync(engine, mattermost);
        await MonitoringHost.WaitForAllAsync(hub, "up");

        hub.Sandbox.Sandbox.SetFault(Account, new SandboxFault(FailureRate: 1.0, FailureStatus: 503));
        await MonitoringHost.WaitForAllAsync(hub, "down");

        // Only the outage's incidents: a check that failed once while the host was starting has one of its own.
        var opened = await MonitoringHost.IncidentsAsync(hub, query: "&open=true");
        Assert.True(opened.Count == 5, $"expected the outage's 5 open incidents: {MonitoringHost.Describe(await MonitoringHost.IncidentsAsync(hub))}");
        var down = await mattermost.WaitForAsync(Token, 5, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(5, mattermost.Accepted(Token).Count);
        foreach (var incident in opened)
        {
            var check = incident.GetProperty("checkType").GetString()!;
            var alert = Assert.Single(down, post => post.Body.GetRawText().Contains(check, StringComparison.Ordinal) && post.DeliveryId!.EndsWith(":down/mattermost", StringComparison.Ordinal)
                && post.DeliveryId.Contains($":{incident.GetProperty("id").GetInt64()}:", StringComparison.Ordinal));
            Assert.True(alert.At >= incident.GetProperty("startTime").GetDateTimeOffset() + Delay, $"the {check} alert waited for the delay");
        }

        hub.Sandbox.Sandbox.ClearFaults(Account);
        await MonitoringHost.WaitForAllAsync(hub, "up");
        var all = await mattermost.WaitForAsync(Token, 10, TimeSpan.FromSeconds(30));
        Assert.Equal(5, all.Count(post => post.DeliveryId!.EndsWith(":restored/mattermost", StringComparison.Ordinal)));
        Assert.All(await MonitoringHost.IncidentsAsync(hub), incident => Assert.False(incident.GetProperty("open").GetBoolean()));

        // A blip shorter than the delay opens and closes incidents but sends nothing.
        hub.Sandbox.Sandbox.SetFault(Account, new SandboxFault(FailureRate: 1.0, FailureStatus: 503));
        await Eventually.MatchAsync(() => MonitoringHost.IncidentsAsync(hub, query: "&open=true"), found => found.Count > 0, TimeSpan.FromSeconds(10), "the blip to open an incident");
        hub.Sandbox.Sandbox.ClearFaults(Account);
        await MonitoringHost.WaitForAllAsync(hub, "up");
        Assert.True((await MonitoringHost.IncidentsAsync(hub)).Count > 5, "the blip opened incidents of its own");
        await Task.Delay(Delay + TimeSpan.FromSeconds(2));
        Assert.Equal(10, mattermost.Accepted(Token).Count);
    }

    [Fact]
    public async Task Mattermost_being_down_changes_no_check_result_and_the_alert_arrives_once_it_is_back()
    {
        await using var mattermost = await MattermostStandIn.StartAsync();
        await using var hub = await StartAsync(StorageProvider.Sqlite, mattermost);
        await MonitoringHost.WaitForAllAsync(hub, "up");
        mattermost.Behave(Token, WebhookBehaviour.Hang);

        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.All(await MonitoringHost.ChecksAsync(hub), check => Assert.Equal("up", check.GetProperty("status").GetString()));
        hub.Sandbox.Sandbox.SetFault(Account, new SandboxFault(FailureRate: 1.0, FailureStatus: 503));
        await MonitoringHost.WaitForAllAsync(hub, "down");
        await Task.Delay(Delay + TimeSpan.FromSeconds(2));
        Assert.All(await MonitoringHost.ChecksAsync(hub), check => Assert.Equal("down", check.GetProperty("status").GetString()));
        // Only the outage's incidents: a check that failed once while the host was starting has one of its own.
        var opened = await MonitoringHost.IncidentsAsync(hub, query: "&open=true");
        Assert.True(opened.Count == 5, $"expected the outage's 5 open incidents: {MonitoringHost.Describe(await MonitoringHost.IncidentsAsync(hub))}");
        Assert.Empty(mattermost.Accepted(Token));

        mattermost.Behave(Token, WebhookBehaviour.Accept);
        var delivered = await mattermost.WaitForAsync(Token, 5, TimeSpan.FromSeconds(60));
        Assert.Equal(5, delivered.Select(post => post.DeliveryId).Distinct().Count());
        hub.Sandbox.Sandbox.ClearFaults(Account);
        await MonitoringHost.WaitForAllAsync(hub, "up");
        Assert.Equal(0, await hub.Database.ScalarAsync("SELECT COUNT(*) FROM incidents WHERE end_time IS NULL"));
    }

    private static async Task<InProcessAmoHub> StartAsync(StorageProvider engine, MattermostStandIn mattermost)
    {
        var hub = await MonitoringHost.StartAsync(engine, new Dictionary<string, string>
        {
            ["AmoHub:Probes:Interval"] = "00:00:01",
            ["AmoHub:Notifications:Delay"] = "00:00:06",
            ["AmoHub:Notifications:RealertInterval"] = "00:00:00",
            ["AmoHub:Notifications:RetryInitial"] = "00:00:01",
            ["AmoHub:Notifications:RetryMax"] = "00:00:02",
            ["AmoHub:Notifications:DeliveryTimeout"] = "00:00:02",
            ["AmoHub:Notifications:ReminderPeriod"] = "00:00:05",
        });
        using var configured = await hub.Http.PutAsJsonAsync($"/api/accounts/{Account}/notifications", new
        {
            mattermost = new { webhookUrl = mattermost.Url(Token).AbsoluteUri, channel = "amocrm-alerts" },
        });
        Assert.True(configured.IsSuccessStatusCode, await configured.Content.ReadAsStringAsync());
        return hub;
    }
}
