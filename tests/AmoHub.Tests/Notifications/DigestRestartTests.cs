using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using static AmoHub.Tests.Notifications.NotificationsFixture;

namespace AmoHub.Tests.Notifications;

public sealed class DigestRestartTests
{
    [Fact]
    public async Task A_digest_waiting_in_the_outbox_is_delivered_with_its_figures_after_a_restart_and_its_week_is_not_queued_again()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using var webhooks = await MattermostStandIn.StartAsync();
        await using var smtp = SmtpStandIn.Start();
        var settings = Settings(smtp);
        var account = NewAccount();
        var hook = HookToken(account);
        var to = new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
        var week = new DigestReport(
            to.AddDays(-7), to, [new DigestCheck(CheckType.Get, 20_160, 99.5, 420, 3, TimeSpan.FromMinutes(50), TimeSpan.FromMinutes(15))], Scheduled: true);
        webhooks.Behave(hook, WebhookBehaviour.Fail);

        await using (var first = await InProcessAmoHub.StartOnAsync(database, settings))
        {
            var update = await Notifier(first, account).ConfigureAsync(new NotificationSettings("en", null, null, new WebhookTarget(webhooks.Url(hook).AbsoluteUri)));
            Assert.Empty(update.Errors);
            Assert.Equal([NotificationChannel.Webhook], (await Notifier(first, account).RaiseDigestAsync(week)).ToArray());
            await Eventually.MatchAsync(
                () => Task.FromResult(webhooks.Received(hook)), posts => posts.Count > 0, TimeSpan.FromSeconds(10), "a failed try of the digest");
        }

        webhooks.Behave(hook, WebhookBehaviour.Accept);
        await using var second = await InProcessAmoHub.StartOnAsync(database, settings);
        var again = await Notifier(second, account).RaiseDigestAsync(week);
        await webhooks.WaitForAsync(hook, 1);
        var delivered = Assert.Single(webhooks.Accepted(hook)).Body;

        Assert.Empty(again);
        var check = Assert.Single(delivered.GetProperty("digest").GetProperty("checks").EnumerateArray());
        Assert.Equal(
            ("GET", 99.5, 420, 3, 3_000L, 900L),
            (check.GetProperty("check").GetString(), check.GetProperty("uptime").GetDouble(), check.GetProperty("p95").GetInt32(),
                check.GetProperty("incidents").GetInt32(), check.GetProperty("downtimeSeconds").GetInt64(), check.GetProperty("mttrSeconds").GetInt64()));
    }
}
