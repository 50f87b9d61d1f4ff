using System.Globalization;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using static AmoHub.Tests.Notifications.NotificationsFixture;

namespace AmoHub.Tests.Notifications;

public sealed class NotifierRestartTests
{
    private static readonly TimeSpan AlertDelay = TimeSpan.FromSeconds(15);

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_pending_alert_survives_a_silo_restart_and_is_sent_once(StorageProvider engine)
    {
        using var database = await TestDatabase.CreateAsync(engine);
        await using var webhooks = await MattermostStandIn.StartAsync();
        await using var smtp = SmtpStandIn.Start();
        var settings = Settings(smtp);
        // Long enough for the first silo to stop before the alert is due, on a loaded machine too.
        settings["AmoHub:Notifications:Delay"] = AlertDelay.ToString("c", CultureInfo.InvariantCulture);
        settings["AmoHub:Notifications:RealertInterval"] = "00:00:00";
        var account = NewAccount();
        // The deployment's default webhook serves accounts without one of their own.
        settings["AmoHub:Notifications:Mattermost:WebhookUrl"] = webhooks.Url(account).AbsoluteUri;
        settings["AmoHub:Notifications:Mattermost:Channel"] = "alerts";
        IncidentNotice opened;

        await using (var first = await InProcessAmoHub.StartOnAsync(database, settings))
        {
            // The incident opens once the first silo is up, so its start-up does not eat into the delay.
            opened = Notices.Opened(Notices.NewId(), account, CheckType.Get, DateTimeOffset.UtcNow);
            await Notifier(first, account).NotifyAsync(opened);
            await Eventually.MatchAsync(
                () => Notifier(first, account).GetStatusAsync(), status => status.OpenIncidents == 1, TimeSpan.FromSeconds(10), "the notice to be taken");
        }

        Assert.Empty(webhooks.Received(account));

        // Nothing calls the notifier after the restart: only its reminder can bring it back.
        await using var second = await InProcessAmoHub.StartOnAsync(database, settings);
        var delivered = await webhooks.WaitForAsync(account, 1, TimeSpan.FromSeconds(60));
        await Notifier(second, account).NotifyAsync(opened);
        var status = await Eventually.MatchAsync(
            () => Notifier(second, account).GetStatusAsync(), found => found.Pending == 0, TimeSpan.FromSeconds(10), "the outbox to empty");

        Assert.Equal($"incident:{opened.IncidentId}:down/mattermost", Assert.Single(delivered).DeliveryId);
        Assert.Equal("alerts", delivered[0].Body.GetProperty("channel").GetString());
        Assert.True(delivered[0].At >= opened.StartedAt + AlertDelay, "the alert still waited for its delay");
        Assert.Equal(1, status.Sent);
        Assert.Single(webhooks.Received(account));
    }

    [Fact]
    public async Task Alerts_held_by_quiet_hours_and_a_slow_down_waiting_for_its_delay_survive_a_restart_and_go_out_once()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using var webhooks = await MattermostStandIn.StartAsync();
        await using var smtp = SmtpStandIn.Start();
        var settings = Settings(smtp);
        settings["AmoHub:Notifications:RealertInterval"] = "00:00:00";
        settings["AmoHub:Notifications:Slow:Delay"] = AlertDelay.ToString("c", CultureInfo.InvariantCulture);
        var account = NewAccount();
        var now = DateTimeOffset.UtcNow;
        var opened = Notices.Opened(Notices.NewId(), account, CheckType.Get, now - TimeSpan.FromMinutes(1));
        var slow = new SlowNotice(account, CheckType.Post, true, now, 4200, 3000, TimeSpan.FromMinutes(10));

        await using (var first = await InProcessAmoHub.StartOnAsync(database, settings))
        {
            await ConfigureAsync(first, account, webhooks.Url(account), new QuietHours(Clock(now.AddHours(-1)), Clock(now.AddHours(1))));
            await Notifier(first, account).NotifyAsync(opened);
            await Notifier(first, account).NotifySlowAsync(slow);
            await Eventually.MatchAsync(
                () => Notifier(first, account).GetStatusAsync(), status => status.Held == 1, TimeSpan.FromSeconds(10), "the DOWN alert to be held");
        }

        await using var second = await InProcessAmoHub.StartOnAsync(database, settings);
        await ConfigureAsync(second, account, webhooks.Url(account), null);
        var delivered = await webhooks.WaitForAsync(account, 2, TimeSpan.FromSeconds(60));
        await Eventually.MatchAsync(
            () => Notifier(second, account).GetStatusAsync(), found => found.Pending == 0, TimeSpan.FromSeconds(10), "the outbox to empty");

        Assert.Equal(
            [$"incident:{opened.IncidentId}:down/webhook", $"slow:POST:{now.ToUnixTimeMilliseconds()}:slow/webhook"],
            webhooks.Accepted(account).Select(post => post.DeliveryId));
        Assert.True(delivered[1].At >= now + AlertDelay, "the slow alert still waited for its delay");
    }

    private static async Task ConfigureAsync(InProcessAmoHub hub, string account, Uri webhook, QuietHours? quiet) => Assert.Empty((await Notifier(hub, account).ConfigureAsync(
        new NotificationSettings(null, null, null, new WebhookTarget(webhook.AbsoluteUri), QuietHours: quiet))).Errors);

    private static string Clock(DateTimeOffset at) => at.ToString("HH:mm", CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_message_for_a_channel_gone_from_the_configuration_is_dropped_and_counted_when_the_notifier_comes_back()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using var webhooks = await MattermostStandIn.StartAsync();
        await using var smtp = SmtpStandIn.Start();
        var settings = Settings(smtp);
        var account = NewAccount();
        settings["AmoHub:Notifications:Mattermost:WebhookUrl"] = webhooks.Url(account).AbsoluteUri;
        webhooks.Behave(account, WebhookBehaviour.Fail);

        await using (var first = await InProcessAmoHub.StartOnAsync(database, settings))
        {
            await Notifier(first, account).NotifyAsync(Notices.Opened(Notices.NewId(), account, CheckType.Get, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1)));
            await Eventually.MatchAsync(
                () => Task.FromResult(webhooks.Received(account)), posts => posts.Count > 0, TimeSpan.FromSeconds(10), "a failed try at the default webhook");
        }

        // The deployment no longer has a default webhook: the DOWN alert queued for it can never go.
        settings.Remove("AmoHub:Notifications:Mattermost:WebhookUrl");
        await using var second = await InProcessAmoHub.StartOnAsync(database, settings);
        var status = await Notifier(second, account).GetStatusAsync();

        var mattermost = status.Channels.Single(channel => channel.Channel == NotificationChannel.Mattermost);
        Assert.Equal((false, 0, 1L, null), (mattermost.Configured, mattermost.Pending, mattermost.Dropped, mattermost.NextAttemptAt));
    }
}
