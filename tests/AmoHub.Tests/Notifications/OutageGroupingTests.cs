using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Grains.Monitoring.Incidents;
using AmoHub.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static AmoHub.Tests.Notifications.NotificationsFixture;

namespace AmoHub.Tests.Notifications;

/// <summary>
/// A check failing on many accounts at once is one outage: one DOWN per channel, kept current (Telegram edits its
/// message, the other channels follow up), and one RESTORED; an account failing alone still alerts on its own. The
/// hub groups 3 accounts or more whose incidents began within a minute of each other, and follows up every second.
/// </summary>
public sealed class OutageGroupingTests : IAsyncLifetime
{
    private MattermostStandIn _webhooks = null!;
    private SmtpStandIn _smtp = null!;
    private TelegramStandIn _telegram = null!;
    private InProcessAmoHub _hub = null!;

    [Fact]
    public async Task Five_accounts_failing_together_send_one_DOWN_and_one_RESTORED_per_channel_and_one_failing_alone_sends_its_own()
    {
        var accounts = Enumerable.Range(0, 5).Select(_ => NewAccount()).ToList();
        var (shared, chat, alone) = ($"ops-{Guid.NewGuid():N}", TelegramTests.NewChat(), NewAccount());
        foreach (var account in accounts.Append(alone))
        {
            var update = await Notifier(_hub, account).ConfigureAsync(new NotificationSettings(
                "en",
                new MattermostTarget(true, _webhooks.Url(shared).AbsoluteUri, "amocrm-alerts"),
                null,
                new WebhookTarget(_webhooks.Url(HookToken(account)).AbsoluteUri),
                new TelegramTarget(chat, null)));
            Assert.Empty(update.Errors);
        }

        var opened = accounts.Select(account => Notices.Opened(Notices.NewId(), account, CheckType.Get, DateTimeOffset.UtcNow)).ToList();
        var lonely = Notices.Opened(Notices.NewId(), alone, CheckType.Web, DateTimeOffset.UtcNow);
        foreach (var notice in opened.Append(lonely))
        {
            await Notifier(_hub, notice.Account).NotifyAsync(notice);
        }

        var down = await WaitForEventAsync(shared, "🔴 amoCRM: GET down on 5 of", 1);
        var banner = await Eventually.MatchAsync(
            () => _hub.Http.GetFromJsonAsync<JsonElement>("/api/outages"), found => found.GetArrayLength() == 1, TimeSpan.FromSeconds(30), "the outage in /api/outages");
        var telegramDown = Assert.Single(await _telegram.WaitForAsync(chat, 2), post => post.Text.Contains("amoCRM: GET down on 5 of", StringComparison.Ordinal));
        await WaitForEventAsync(shared, $"🔴 {alone}: WEB is down", 1);
        foreach (var account in accounts)
        {
            var hook = (await _webhooks.WaitForAsync(HookToken(account), 1))[0].Body;
            Assert.Equal(("outage_down", 5), (hook.GetProperty("event").GetString(), hook.GetProperty("count").GetInt32()));
        }

        // Two accounts recover: Telegram's message is edited to say 3, Mattermost gets a follow-up.
        foreach (var notice in opened.Take(2))
        {
            await Notifier(_hub, notice.Account).NotifyAsync(Notices.Closed(notice, DateTimeOffset.UtcNow));
        }

        await Eventually.MatchAsync(
            () => Task.FromResult(_telegram.Shown(chat, telegramDown.MessageId!.Value)),
            shown => shown?.Contains("down on 3 of", StringComparison.Ordinal) == true,
            TimeSpan.FromSeconds(30),
            "the Telegram message edited to 3 accounts");
        await WaitForEventAsync(shared, "🟠 amoCRM: GET down on 3 of", 1);

        foreach (var notice in opened.Skip(2))
        {
            await Notifier(_hub, notice.Account).NotifyAsync(Notices.Closed(notice, DateTimeOffset.UtcNow));
        }

        await WaitForEventAsync(shared, "🟢 amoCRM: GET is back up on every account", 1);
        await _telegram.WaitForAsync(chat, 3);
        foreach (var account in accounts)
        {
            await _webhooks.WaitForAsync(HookToken(account), 2);
        }

        await Eventually.MatchAsync(
            () => _hub.Http.GetFromJsonAsync<JsonElement>("/api/outages"), found => found.GetArrayLength() == 0, TimeSpan.FromSeconds(30), "the outage gone from /api/outages");
        var posts = _webhooks.Accepted(shared).Select(post => (DeliveryId: post.DeliveryId!, Title: Title(post.Body))).ToList();
        Assert.Single(posts, post => post.DeliveryId.EndsWith(":down/mattermost", StringComparison.Ordinal) && post.DeliveryId.StartsWith("outage:", StringComparison.Ordinal));
        Assert.Single(posts, post => post.DeliveryId.EndsWith(":restored/mattermost", StringComparison.Ordinal) && post.DeliveryId.StartsWith("outage:", StringComparison.Ordinal));
        Assert.Equal([$"🔴 {alone}: WEB is down"], posts.Where(post => post.DeliveryId.StartsWith("incident:", StringComparison.Ordinal)).Select(post => post.Title));
        var messages = _telegram.Accepted(chat);
        Assert.Equal(3, messages.Count);
        Assert.Single(messages, post => post.Text.Contains("GET is back up on every account", StringComparison.Ordinal));
        Assert.Contains(accounts[4], down[0].Body.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(("GET", 5), (banner[0].GetProperty("checkType").GetString(), banner[0].GetProperty("affected").GetInt32()));
        foreach (var account in accounts)
        {
            var events = _webhooks.Accepted(HookToken(account)).Select(post => post.Body.GetProperty("event").GetString()).ToList();
            Assert.Equal(1, events.Count(kind => kind == "outage_down"));
            Assert.Equal(1, events.Count(kind => kind == "outage_restored"));
            Assert.DoesNotContain("down", events);
            Assert.DoesNotContain("restored", events);
        }
    }

    [Fact]
    public async Task An_account_whose_recovery_never_reached_the_tracker_is_let_go_once_its_incident_closed_and_the_outage_then_ends()
    {
        var incidents = _hub.Services.GetRequiredService<IncidentStore>();
        var tracker = _hub.Services.GetRequiredService<IGrainFactory>().GetGrain<IOutageGrain>(GrainKeys.Outage(CheckType.Hook));
        var startedAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var members = new List<OutageMember>();
        foreach (var account in Enumerable.Range(0, 3).Select(_ => NewAccount()))
        {
            members.Add(new OutageMember(account, await incidents.OpenAsync(account, CheckType.Hook, startedAt, "down", null, null), startedAt));
        }

        await tracker.JoinAsync(members[0]);
        await tracker.JoinAsync(members[1]);
        Assert.Equal(3, (await tracker.ClaimAsync(new OutageClaim(members[2], []))).Outage?.Affected);

        // The first account recovers, but the tracker is never told.
        await incidents.CloseAsync(members[0].Account, CheckType.Hook, startedAt, startedAt.AddMinutes(1));
        var outage = await Eventually.MatchAsync(
            tracker.GetAsync, found => found?.Accounts.Contains(members[0].Account) == false, TimeSpan.FromSeconds(30), "the recovered account let go");

        Assert.Equal(
            new[] { members[1].Account, members[2].Account }.Order(StringComparer.Ordinal), outage!.Accounts.Order(StringComparer.Ordinal));
        foreach (var member in members.Skip(1))
        {
            await incidents.CloseAsync(member.Account, CheckType.Hook, startedAt, startedAt.AddMinutes(2));
        }

        await Eventually.MatchAsync(tracker.GetAsync, found => found is null, TimeSpan.FromSeconds(30), "the outage ended");
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _webhooks = await MattermostStandIn.StartAsync();
        _smtp = SmtpStandIn.Start();
        _telegram = await TelegramStandIn.StartAsync();
        var settings = Settings(_smtp);
        // The notices here are made up; the sandbox account's own probes would add incidents of their own.
        settings["AmoHub:Probes:Enabled"] = "false";
        settings["AmoHub:Notifications:GroupMinAccounts"] = "3";
        settings["AmoHub:Notifications:GroupWindow"] = "00:01:00";
        settings["AmoHub:Notifications:GroupFollowUpInterval"] = "00:00:01";
        settings["AmoHub:Notifications:RealertInterval"] = "00:00:00";
        settings["AmoHub:Notifications:Telegram:BotToken"] = TelegramStandIn.Token;
        settings["AmoHub:Notifications:Telegram:ApiBaseUrl"] = _telegram.BaseUrl;
        _hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite, settings);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _webhooks.DisposeAsync();
        await _smtp.DisposeAsync();
        await _telegram.DisposeAsync();
    }

    private static string Title(JsonElement post) => post.GetProperty("attachments")[0].GetProperty("title").GetString()!;

    private Task<List<ReceivedPost>> WaitForEventAsync(string token, string titleStart, int count) =>
        Eventually.MatchAsync(
            () => Task.FromResult(_webhooks.Accepted(token).Where(post => Title(post.Body).StartsWith(titleStart, StringComparison.Ordinal)).ToList()),
            posts => posts.Count >= count,
            TimeSpan.FromSeconds(30),
            $"{count} posts titled '{titleStart}…'");
}
