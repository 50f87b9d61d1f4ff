using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Grains.Interfaces.Maintenance;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static AmoHub.Tests.Notifications.NotificationsFixture;

namespace AmoHub.Tests.Notifications;

public sealed class TelegramTests(NotificationsFixture fixture) : IClassFixture<NotificationsFixture>
{
    /// <summary>A fresh supergroup chat id, so a test's messages are its own.</summary>
    public static string NewChat() => "-100" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999);

    [Fact]
    public async Task An_outage_sends_one_DOWN_and_one_RESTORED_message_to_the_accounts_Telegram_topic_in_plain_words_without_the_raw_error()
    {
        var (account, chat) = (NewAccount(), NewChat());
        await ConfigureAsync(account, chat, topic: 42);
        var opened = Notices.Opened(Notices.NewId(), account, CheckType.Get, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1))
            with { Details = "amoCRM answered <h1>502 Bad Gateway</h1> & closed" };

        await fixture.Notifier(account).NotifyAsync(opened);
        await fixture.Telegram.WaitForAsync(chat, 1);
        await fixture.Notifier(account).NotifyAsync(Notices.Closed(opened, opened.StartedAt + TimeSpan.FromSeconds(150)));
        await fixture.Telegram.WaitForAsync(chat, 2);
        await Eventually.MatchAsync(
            async () => Telegram(await fixture.Notifier(account).GetStatusAsync()), channel => channel.Pending == 0, TimeSpan.FromSeconds(30), "the outbox to empty");

        var posts = fixture.Telegram.Received(chat);
        Assert.Equal(2, posts.Count);
        Assert.All(posts, post => Assert.Equal((42, "HTML", 200), (post.TopicId!.Value, post.ParseMode, post.Status)));
        Assert.StartsWith($"<b>🔴 {account}: GET не работает</b>", posts[0].Text, StringComparison.Ordinal);
        Assert.Contains("<b>Причина:</b> ", posts[0].Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Bad Gateway", posts[0].Text, StringComparison.Ordinal);
        Assert.StartsWith($"<b>🟢 {account}: GET снова работает</b>", posts[1].Text, StringComparison.Ordinal);
        Assert.Contains("<b>Длительность:</b> 2 мин 30 с", posts[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_a_person_wrote_reaches_Telegram_with_its_markup_escaped()
    {
        var (account, chat) = (NewAccount(), NewChat());
        await ConfigureAsync(account, chat, topic: null);
        var now = DateTimeOffset.UtcNow;
        var windows = fixture.Hub.Services.GetRequiredService<IGrainFactory>().GetGrain<IMaintenanceGrain>(IMaintenanceGrain.Key);

        var created = await windows.CreateAsync(new MaintenanceRequest(account, now - TimeSpan.FromMinutes(1), now + TimeSpan.FromHours(1), null, null, null, "Обновление <b>сервера</b> & базы"));
        var started = await fixture.Telegram.WaitForAsync(chat, 1);
        Assert.True(await windows.DeleteAsync(created.Window!.Id));

        Assert.Equal(("HTML", 200), (started[0].ParseMode, started[0].Status));
        Assert.Contains("Обновление &lt;b&gt;сервера&lt;/b&gt; &amp; базы", started[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_429_from_the_Bot_API_is_waited_out_for_its_retry_after_then_the_message_goes_once()
    {
        var (account, chat) = (NewAccount(), NewChat());
        await ConfigureAsync(account, chat, topic: null);
        fixture.Telegram.Throttle(chat, times: 1, retryAfterSeconds: 3);

        await fixture.Notifier(account).NotifyAsync(Notices.Opened(Notices.NewId(), account, CheckType.Post, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1)));
        var throttled = await Eventually.MatchAsync(
            async () => Telegram(await fixture.Notifier(account).GetStatusAsync()), channel => channel.LastError is not null, TimeSpan.FromSeconds(30), "the 429");
        await fixture.Telegram.WaitForAsync(chat, 1);

        // The notifier's own wait after a first failure is RetryInitial (0.5 s); the Bot API asked for 3 s.
        Assert.Equal("Telegram 429: Too Many Requests: retry after 3", throttled.LastError);
        Assert.Equal(TimeSpan.FromSeconds(3), throttled.NextAttemptAt - throttled.LastErrorAt);
        // What follows the DOWN message are the outage's still-down re-alerts (RealertInterval 3 s).
        var posts = fixture.Telegram.Received(chat);
        Assert.Equal([429, 200], posts.Take(2).Select(post => post.Status));
        Assert.Equal(posts[0].Text, posts[1].Text);
        Assert.Contains("не работает", posts[1].Text, StringComparison.Ordinal);
        Assert.Null(throttled.Failing);
    }

    [Fact]
    public async Task A_bot_blocked_by_the_chat_marks_Telegram_failing_in_the_accounts_status_without_retrying_while_the_other_channels_deliver()
    {
        var (account, chat) = (NewAccount(), NewChat());
        fixture.Telegram.Block(chat);
        await ConfigureAsync(account, chat, topic: null, webhook: true);

        await fixture.Notifier(account).NotifyAsync(Notices.Opened(Notices.NewId(), account, CheckType.Web, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1)));
        var refused = await Eventually.MatchAsync(
            async () => Telegram(await fixture.Notifier(account).GetStatusAsync()), channel => channel.Failing is not null, TimeSpan.FromSeconds(30), "Telegram marked failing");
        await fixture.Webhooks.WaitForAsync(HookToken(account), 1);

        Assert.Equal("Telegram 403: Forbidden: bot was blocked by the user", refused.Failing);
        Assert.Equal((0, 1L, 0L), (refused.Pending, refused.Dropped, refused.Sent));
        Assert.Single(fixture.Telegram.Received(chat));
    }

    [Fact]
    public async Task The_status_endpoint_says_Telegram_is_failing_and_the_settings_keep_the_chat_and_topic()
    {
        var chat = NewChat();
        fixture.Telegram.Block(chat);
        const string Settings = "/api/accounts/sandbox/notifications";
        using var put = await fixture.Hub.Http.PutAsJsonAsync(Settings, new { telegram = new { chatId = $" {chat} ", topicId = 7 } });
        var read = JsonDocument.Parse(await fixture.Hub.Http.GetStringAsync(Settings)).RootElement.GetProperty("telegram");
        await fixture.Notifier("sandbox").NotifyAsync(Notices.Opened(Notices.NewId(), "sandbox", CheckType.Dp, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1)));

        var telegram = await Eventually.MatchAsync(
            async () => (await fixture.Hub.Http.GetFromJsonAsync<JsonElement>($"{Settings}/status")).GetProperty("channels").EnumerateArray()
                .Single(channel => channel.GetProperty("channel").GetString() == "telegram"),
            channel => channel.GetProperty("failing").ValueKind == JsonValueKind.String,
            TimeSpan.FromSeconds(30),
            "the status endpoint to show Telegram failing");

        Assert.Equal((chat, 7), (read.GetProperty("chatId").GetString(), read.GetProperty("topicId").GetInt32()));
        Assert.Equal("Telegram 403: Forbidden: bot was blocked by the user", telegram.GetProperty("failing").GetString());
        Assert.True(telegram.GetProperty("configured").GetBoolean());
    }

    private async Task ConfigureAsync(string account, string chat, int? topic, bool webhook = false)
    {
        var update = await fixture.Notifier(account).ConfigureAsync(new NotificationSettings(
            null,
            new MattermostTarget(false, null, null),
            null,
            webhook ? new WebhookTarget(fixture.Webhooks.Url(HookToken(account)).AbsoluteUri) : null,
            new TelegramTarget(chat, topic)));
        Assert.Empty(update.Errors);
    }

    private static ChannelStatus Telegram(NotifierStatus status) =>
        status.Channels.Single(channel => channel.Channel == NotificationChannel.Telegram);
}
