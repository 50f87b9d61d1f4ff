using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using static AmoHub.Tests.Notifications.NotificationsFixture;

namespace AmoHub.Tests.Notifications;

/// <summary>
/// Behaviour that needs deployment settings the shared fixture does not have (a short give-up time, a default
/// Mattermost webhook): each test runs an AmoHub of its own, without re-alerts so that only DOWN alerts go out.
/// </summary>
public sealed class NotifierDeploymentSettingsTests
{
    [Fact]
    public async Task A_channel_that_keeps_failing_gives_its_message_up_after_GiveUpAfter_and_counts_it_dropped()
    {
        await using var webhooks = await MattermostStandIn.StartAsync();
        await using var smtp = SmtpStandIn.Start();
        await using var hub = await StartAsync(smtp, "AmoHub:Notifications:GiveUpAfter", "00:00:02");
        var account = NewAccount();
        await ConfigureAsync(hub, account, new NotificationSettings(null, null, null, new WebhookTarget(webhooks.Url(account).AbsoluteUri)));
        webhooks.Behave(account, WebhookBehaviour.Fail);

        await Notifier(hub, account).NotifyAsync(Notices.Opened(Notices.NewId(), account, CheckType.Get, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1)));
        var status = await Eventually.MatchAsync(
            () => Notifier(hub, account).GetStatusAsync(), found => found.Pending == 0, TimeSpan.FromSeconds(20), "the failing message to be given up");

        var webhook = status.Channels.Single(channel => channel.Channel == NotificationChannel.Webhook);
        Assert.Equal((0L, 1L, "HTTP 500"), (webhook.Sent, webhook.Dropped, webhook.LastError));
    }

    [Fact]
    public async Task An_account_with_Mattermost_disabled_gets_nothing_on_the_deployments_default_webhook()
    {
        await using var webhooks = await MattermostStandIn.StartAsync();
        await using var smtp = SmtpStandIn.Start();
        const string DefaultToken = "default";
        await using var hub = await StartAsync(smtp, "AmoHub:Notifications:Mattermost:WebhookUrl", webhooks.Url(DefaultToken).AbsoluteUri);
        var (disabled, defaulted) = (NewAccount(), NewAccount());
        await ConfigureAsync(hub, disabled, new NotificationSettings(null, new MattermostTarget(false, null, null), null, new WebhookTarget(webhooks.Url(disabled).AbsoluteUri)));
        var startedAt = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1);
        var defaultedIncident = Notices.Opened(Notices.NewId(), defaulted, CheckType.Get, startedAt);

        await Notifier(hub, disabled).NotifyAsync(Notices.Opened(Notices.NewId(), disabled, CheckType.Get, startedAt));
        await Notifier(hub, defaulted).NotifyAsync(defaultedIncident);
        await webhooks.WaitForAsync(DefaultToken, 1);
        var status = await Eventually.MatchAsync(
            () => Notifier(hub, disabled).GetStatusAsync(), found => found.Pending == 0 && found.Sent > 0, TimeSpan.FromSeconds(10), "the disabled account's alert to go");

        Assert.Equal([$"incident:{defaultedIncident.IncidentId}:down/mattermost"], webhooks.Received(DefaultToken).Select(post => post.DeliveryId));
        var mattermost = status.Channels.Single(channel => channel.Channel == NotificationChannel.Mattermost);
        Assert.Equal((false, 0L), (mattermost.Configured, mattermost.Sent));
        Assert.Single(webhooks.Accepted(disabled));
    }

    private static Task<InProcessAmoHub> StartAsync(SmtpStandIn smtp, string key, string value)
    {
        var settings = Settings(smtp);
        settings["AmoHub:Notifications:RealertInterval"] = "00:00:00";
        settings[key] = value;
        return InProcessAmoHub.StartAsync(StorageProvider.Sqlite, settings);
    }

    private static async Task ConfigureAsync(InProcessAmoHub hub, string account, NotificationSettings settings) =>
        Assert.Empty((await Notifier(hub, account).ConfigureAsync(settings)).Errors);
}
