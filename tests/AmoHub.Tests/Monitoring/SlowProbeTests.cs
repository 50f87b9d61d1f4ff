using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Sandbox.Faults;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using AmoHub.Tests.Notifications;

namespace AmoHub.Tests.Monitoring;

public sealed class SlowProbeTests
{
    private const string Account = "sandbox";

    [Fact]
    public async Task A_check_answering_slowly_alerts_slow_once_and_recovered_once_when_it_answers_quickly_again()
    {
        await using var webhooks = await MattermostStandIn.StartAsync();
        // GET warns from 1 s and is down from 4 s; answers slowed by 1.5 s sit far from both, and warnings never escalate.
        await using var hub = await MonitoringHost.StartAsync(StorageProvider.Sqlite, new Dictionary<string, string>
        {
            ["AmoHub:Probes:Thresholds:Get:Warning"] = "00:00:01",
            ["AmoHub:Probes:Thresholds:Get:Down"] = "00:00:04",
            ["AmoHub:Probes:Timeout"] = "00:00:08",
            ["AmoHub:Probes:EscalateAfter"] = "1000",
            ["AmoHub:Probes:SlowWindow"] = "00:00:04",
            ["AmoHub:Probes:SlowMinSamples"] = "2",
            ["AmoHub:Notifications:Slow:Delay"] = "00:00:02",
        });
        await MonitoringHost.WaitForAllAsync(hub, "up");
        var update = await NotificationsFixture.Notifier(hub, Account).ConfigureAsync(
            new NotificationSettings(null, new MattermostTarget(false, null, null), null, new WebhookTarget(webhooks.Url(Account).AbsoluteUri)));
        Assert.Empty(update.Errors);

        hub.Sandbox.Sandbox.SetFault(Account, new SandboxFault(Latency: TimeSpan.FromMilliseconds(1500)));
        var slow = await Eventually.MatchAsync(
            () => Task.FromResult(webhooks.Accepted(Account).FirstOrDefault(post => post.Body.GetProperty("event").GetString() == "slow")),
            found => found is not null,
            TimeSpan.FromSeconds(40),
            "the slow alert");
        hub.Sandbox.Sandbox.ClearFaults(Account);
        var episode = slow!.DeliveryId![..slow.DeliveryId!.LastIndexOf(":slow/", StringComparison.Ordinal)];
        await Eventually.MatchAsync(
            () => Task.FromResult(webhooks.Accepted(Account)),
            posts => posts.Any(post => post.DeliveryId == $"{episode}:recovered/webhook"),
            TimeSpan.FromSeconds(40),
            "the recovered alert");

        Assert.StartsWith("slow:GET:", episode, StringComparison.Ordinal);
        Assert.Equal(
            [$"{episode}:slow/webhook", $"{episode}:recovered/webhook"],
            webhooks.Accepted(Account).Select(post => post.DeliveryId).Where(id => id!.StartsWith(episode + ":", StringComparison.Ordinal)));
        Assert.InRange(slow.Body.GetProperty("slow").GetProperty("p95Ms").GetInt32(), 1000, 3999);
    }
}
