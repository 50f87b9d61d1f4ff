using System.Globalization;
using System.Text.Json;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Notifications;
using AmoHub.Tests.Infrastructure;
using static AmoHub.Tests.Notifications.NotificationsFixture;

namespace AmoHub.Tests.Notifications;

public sealed class NotifierTests(NotificationsFixture fixture) : IClassFixture<NotificationsFixture>
{
    private static readonly string[] RussianFieldTitles = ["Аккаунт", "Проверка", "Начало", "Длительность", "HTTP-статус", "Причина"];
    private static readonly string[] EnglishFieldTitles = ["Account", "Check", "Started", "Duration", "HTTP status", "Reason"];

    [Fact]
    public async Task An_incident_still_open_after_the_delay_alerts_once_on_every_channel_then_restored_once_with_its_duration()
    {
        var account = NewAccount();
        await fixture.ConfigureAllChannelsAsync(account);
        var opened = Notices.Opened(Notices.NewId(), account, CheckType.Get, DateTimeOffset.UtcNow);

        await fixture.Notifier(account).NotifyAsync(opened);
        var down = (await fixture.Webhooks.WaitForAsync(HookToken(account), 1))[0];
        await fixture.Webhooks.WaitForAsync(account, 1);
        await fixture.Smtp.WaitForAsync(Email(account), 1);
        await fixture.Notifier(account).NotifyAsync(Notices.Closed(opened, opened.StartedAt + TimeSpan.FromSeconds(150)));
        await fixture.Webhooks.WaitForAsync(HookToken(account), 2);
        await fixture.Webhooks.WaitForAsync(account, 2);
        await fixture.Smtp.WaitForAsync(Email(account), 2);

        Assert.True(down.At >= opened.StartedAt + Delay, "the DOWN alert waits for the delay");
        string[] expected = [$"incident:{opened.IncidentId}:down", $"incident:{opened.IncidentId}:restored"];
        Assert.Equal(expected.Select(id => id + "/webhook"), DownAndRestored(fixture.Webhooks.Accepted(HookToken(account)).Select(post => post.DeliveryId)));
        Assert.Equal(expected.Select(id => id + "/mattermost"), DownAndRestored(fixture.Webhooks.Accepted(account).Select(post => post.DeliveryId)));
        Assert.Equal(expected.Select(id => id + "/email"), DownAndRestored(fixture.Smtp.To(Email(account)).Select(mail => mail.Headers[WebhookPost.DeliveryHeader])));

        var hooks = fixture.Webhooks.Accepted(HookToken(account)).Select(post => post.Body).ToList();
        var (downHook, restoredHook) = (hooks.Single(Is("down")), hooks.Single(Is("restored")));
        Assert.Equal((account, "GET", opened.IncidentId, 502, "server_error"), (
            downHook.GetProperty("account").GetString(), downHook.GetProperty("check").GetString(), downHook.GetProperty("incidentId").GetInt64(),
            downHook.GetProperty("httpStatus").GetInt32(), downHook.GetProperty("errorCode").GetString()));
        Assert.Equal(150, restoredHook.GetProperty("durationSeconds").GetInt64());

        var mattermost = fixture.Webhooks.Accepted(account).Select(post => post.Body).ToList();
        var (downPost, restoredPost) = (mattermost[0], mattermost[^1]);
        Assert.Equal(("town-square", "AmoHub"), (downPost.GetProperty("channel").GetString(), downPost.GetProperty("username").GetString()));
        Assert.Equal("#d32f2f", Attachment(downPost).GetProperty("color").GetString());
        Assert.Equal(RussianFieldTitles, FieldTitles(downPost));
        Assert.Equal("502", Field(downPost, "HTTP-статус"));
        Assert.Equal("#2e7d32", Attachment(restoredPost).GetProperty("color").GetString());
        Assert.Equal("2 мин 30 с", Field(restoredPost, "Длительность"));
        Assert.Contains("2 мин 30 с", fixture.Smtp.To(Email(account))[^1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_removed_accounts_notifier_drops_what_it_was_retrying_and_stops()
    {
        var account = NewAccount();
        fixture.Webhooks.Behave(account, WebhookBehaviour.Fail);
        fixture.Webhooks.Behave(HookToken(account), WebhookBehaviour.Fail);
        await fixture.ConfigureAllChannelsAsync(account);
        await fixture.Notifier(account).NotifyAsync(Notices.Opened(Notices.NewId(), account, CheckType.Get, DateTimeOffset.UtcNow));
        await Eventually.MatchAsync(
            () => Task.FromResult(fixture.Webhooks.Received(account).Count),
            posts => posts >= 2,
            TimeSpan.FromSeconds(60),
            "the failing channel to be retried");
        Assert.Equal(1, await RemindersOfAsync(account));

        await fixture.Notifier(account).StopAsync();

        var status = await fixture.Notifier(account).GetStatusAsync();
        Assert.All(status.Channels, channel => Assert.Equal(0, channel.Pending));
        Assert.Equal(0, status.OpenIncidents);
        Assert.Equal(0, await RemindersOfAsync(account));
        var settings = await fixture.Notifier(account).GetSettingsAsync();
        Assert.Null(settings.Mattermost);
        Assert.Null(settings.Webhook);
    }

    private Task<long> RemindersOfAsync(string account) =>
        fixture.Hub.Database.ScalarAsync($"SELECT COUNT(*) FROM OrleansReminder WHERE GrainId LIKE '%{account}/notifier%'");

    [Fact]
    public async Task A_blip_that_closes_within_the_delay_sends_nothing_at_all()
    {
        var account = NewAccount();
        await fixture.ConfigureAllChannelsAsync(account);
        var blip = Notices.Opened(Notices.NewId(), account, CheckType.Get, DateTimeOffset.UtcNow);

        await fixture.Notifier(account).NotifyAsync(blip);
        await fixture.Notifier(account).NotifyAsync(Notices.Closed(blip, blip.StartedAt + TimeSpan.FromSeconds(1)));
        // An outage that opens after the blip is alerted after it would have been: whatever the blip caused is there by then.
        var outage = Notices.Opened(Notices.NewId(), account, CheckType.Post, DateTimeOffset.UtcNow);
        await fixture.Notifier(account).NotifyAsync(outage);
        await fixture.Webhooks.WaitForAsync(HookToken(account), 1);
        await fixture.Webhooks.WaitForAsync(account, 1);
        await fixture.Smtp.WaitForAsync(Email(account), 1);

        var sent = fixture.Webhooks.Accepted(HookToken(account)).Concat(fixture.Webhooks.Accepted(account)).Select(post => post.DeliveryId)
            .Concat(fixture.Smtp.To(Email(account)).Select(mail => mail.Headers[WebhookPost.DeliveryHeader]));
        Assert.All(sent, id => Assert.StartsWith($"incident:{outage.IncidentId}:", id, StringComparison.Ordinal));
        await fixture.Notifier(account).NotifyAsync(Notices.Closed(outage, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task A_long_outage_is_alerted_again_every_realert_interval_until_it_closes()
    {
        var account = NewAccount();
        await fixture.ConfigureAllChannelsAsync(account);
        var opened = Notices.Opened(Notices.NewId(), account, CheckType.Hook, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1));

        await fixture.Notifier(account).NotifyAsync(opened);
        var posts = await fixture.Webhooks.WaitForAsync(HookToken(account), 3);
        await fixture.Notifier(account).NotifyAsync(Notices.Closed(opened, DateTimeOffset.UtcNow));
        var all = await Eventually.MatchAsync(
            () => Task.FromResult(fixture.Webhooks.Accepted(HookToken(account))),
            found => found.Any(post => post.DeliveryId!.Contains(":restored/", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30),
            "the RESTORED alert");

        var id = opened.IncidentId;
        Assert.Equal([$"incident:{id}:down/webhook", $"incident:{id}:still-down:1/webhook", $"incident:{id}:still-down:2/webhook"], posts.Take(3).Select(post => post.DeliveryId));
        Assert.Equal([1, 2], posts.Skip(1).Take(2).Select(post => post.Body.GetProperty("count").GetInt32()));
        Assert.Contains("всё ещё не работает", posts[1].Body.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal($"incident:{id}:restored/webhook", all[^1].DeliveryId);
        Assert.Single(all, post => post.DeliveryId!.Contains(":down/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_flapping_check_sends_one_flapping_alert_then_its_alerts_stay_muted_for_the_mute_period()
    {
        var account = NewAccount();
        await fixture.ConfigureAllChannelsAsync(account);
        var notifier = fixture.Notifier(account);

        // Three blips within the window: more than the threshold of two.
        for (var i = 0; i < 3; i++)
        {
            var blip = Notices.Opened(Notices.NewId(), account, CheckType.Web, DateTimeOffset.UtcNow);
            await notifier.NotifyAsync(blip);
            await notifier.NotifyAsync(Notices.Closed(blip, blip.StartedAt + TimeSpan.FromSeconds(1)));
        }

        // An outage during the mute: its DOWN alert waits for the mute to end.
        var outage = Notices.Opened(Notices.NewId(), account, CheckType.Web, DateTimeOffset.UtcNow);
        await notifier.NotifyAsync(outage);
        var posts = await fixture.Webhooks.WaitForAsync(HookToken(account), 2);
        var mattermost = await fixture.Webhooks.WaitForAsync(account, 2);
        await notifier.NotifyAsync(Notices.Closed(outage, DateTimeOffset.UtcNow));

        var flapping = posts[0].Body;
        Assert.Equal(("flapping", "WEB", 3), (flapping.GetProperty("event").GetString(), flapping.GetProperty("check").GetString(), flapping.GetProperty("count").GetInt32()));
        var mutedUntil = flapping.GetProperty("mutedUntil").GetDateTimeOffset();
        Assert.Equal($"incident:{outage.IncidentId}:down/webhook", posts[1].DeliveryId);
        Assert.True(posts[1].At >= mutedUntil, "the DOWN alert went out only when the mute ended");
        Assert.Single(fixture.Webhooks.Accepted(HookToken(account)), post => post.Body.GetProperty("event").GetString() == "flapping");
        Assert.Equal("#f57c00", Attachment(mattermost[0].Body).GetProperty("color").GetString());
        Assert.Contains("работает нестабильно", mattermost[0].Body.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicated_notices_send_one_message_per_incident_and_kind()
    {
        var account = NewAccount();
        await fixture.ConfigureAllChannelsAsync(account);
        var notifier = fixture.Notifier(account);
        var opened = Notices.Opened(Notices.NewId(), account, CheckType.Get, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1));
        var closed = Notices.Closed(opened, DateTimeOffset.UtcNow);

        await Task.WhenAll(notifier.NotifyAsync(opened), notifier.NotifyAsync(opened), notifier.NotifyAsync(opened));
        await fixture.Webhooks.WaitForAsync(HookToken(account), 1);
        await Task.WhenAll(notifier.NotifyAsync(closed), notifier.NotifyAsync(closed), notifier.NotifyAsync(opened));
        await fixture.Webhooks.WaitForAsync(HookToken(account), 2);
        await fixture.Webhooks.WaitForAsync(account, 2);
        await fixture.Smtp.WaitForAsync(Email(account), 2);
        await Task.WhenAll(notifier.NotifyAsync(opened), notifier.NotifyAsync(closed));

        var status = await Eventually.MatchAsync(
            notifier.GetStatusAsync, found => found.Pending == 0 && found.Sent == 6, TimeSpan.FromSeconds(10), "every channel to have sent its two messages");
        Assert.All(status.Channels.Where(channel => channel.Configured), channel => Assert.Equal(2, channel.Sent));
        Assert.Equal(2, fixture.Webhooks.Accepted(HookToken(account)).Count);
        Assert.Equal(2, fixture.Webhooks.Accepted(account).Count);
        Assert.Equal(2, fixture.Smtp.To(Email(account)).Count);
    }

    [Fact]
    public async Task An_alert_gives_the_reason_in_the_accounts_language_and_keeps_the_raw_error_only_in_the_webhooks_error()
    {
        var (russian, english) = await RussianAndEnglishAsync();
        var startedAt = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1);
        const string raw = "amoCRM answered 502 Bad Gateway";

        await fixture.Notifier(russian).NotifyAsync(Notices.Opened(Notices.NewId(), russian, CheckType.Get, startedAt));
        await fixture.Notifier(english).NotifyAsync(Notices.Opened(Notices.NewId(), english, CheckType.Get, startedAt));
        var ru = (await fixture.Webhooks.WaitForAsync(russian, 1))[0].Body;
        var en = (await fixture.Webhooks.WaitForAsync(english, 1))[0].Body;
        var ruMail = (await fixture.Smtp.WaitForAsync(Email(russian), 1))[0];
        var ruHook = (await fixture.Webhooks.WaitForAsync(HookToken(russian), 1))[0].Body;
        var enHook = (await fixture.Webhooks.WaitForAsync(HookToken(english), 1))[0].Body;

        Assert.Equal("Сбой на стороне amoCRM", Field(ru, "Причина"));
        Assert.Contains("Причина: Сбой на стороне amoCRM", ruMail.Body, StringComparison.Ordinal);
        Assert.Equal("amoCRM failed on its side", Field(en, "Reason"));
        Assert.Equal(("Сбой на стороне amoCRM", "amoCRM failed on its side"), (ruHook.GetProperty("reason").GetString(), enHook.GetProperty("reason").GetString()));
        Assert.DoesNotContain(raw, ru.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(raw, ruMail.Body, StringComparison.Ordinal);
        Assert.Equal(raw, ruHook.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Alerts_are_in_Russian_by_default_and_in_English_when_the_account_asks()
    {
        var (russian, english) = await RussianAndEnglishAsync();
        var startedAt = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1);

        await fixture.Notifier(russian).NotifyAsync(Notices.Opened(Notices.NewId(), russian, CheckType.Get, startedAt));
        await fixture.Notifier(english).NotifyAsync(Notices.Opened(Notices.NewId(), english, CheckType.Get, startedAt));
        var ru = (await fixture.Webhooks.WaitForAsync(russian, 1))[0].Body;
        var en = (await fixture.Webhooks.WaitForAsync(english, 1))[0].Body;
        var ruMail = (await fixture.Smtp.WaitForAsync(Email(russian), 1))[0];
        var enMail = (await fixture.Smtp.WaitForAsync(Email(english), 1))[0];
        var ruHook = (await fixture.Webhooks.WaitForAsync(HookToken(russian), 1))[0].Body;

        Assert.Equal($"🔴 {russian}: GET не работает", ru.GetProperty("text").GetString());
        Assert.Contains("«чтение через API»", Attachment(ru).GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(RussianFieldTitles, FieldTitles(ru));
        Assert.Equal($"🔴 {english}: GET is down", en.GetProperty("text").GetString());
        Assert.Contains("API read", Attachment(en).GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(EnglishFieldTitles, FieldTitles(en));
        Assert.Equal(($"🔴 {russian}: GET не работает", $"🔴 {english}: GET is down"), (ruMail.Subject, enMail.Subject));
        Assert.Contains("Длительность: 1 мин", ruMail.Body, StringComparison.Ordinal);
        Assert.Contains("Duration: 1 min", enMail.Body, StringComparison.Ordinal);
        Assert.Equal("ru", ruHook.GetProperty("language").GetString());
    }

    [Fact]
    public async Task An_alert_tells_its_times_in_the_accounts_time_zone_and_the_deployments_zone_otherwise()
    {
        var (inUtc, inYekaterinburg) = (NewAccount(), NewAccount());
        await fixture.ConfigureAllChannelsAsync(inUtc, language: "en");
        await fixture.ConfigureAllChannelsAsync(inYekaterinburg, language: "en");
        var settings = await fixture.Notifier(inYekaterinburg).GetSettingsAsync();
        var update = await fixture.Notifier(inYekaterinburg).ConfigureAsync(settings with { TimeZone = "Asia/Yekaterinburg" });
        var startedAt = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(5);

        await fixture.Notifier(inUtc).NotifyAsync(Notices.Opened(Notices.NewId(), inUtc, CheckType.Get, startedAt));
        await fixture.Notifier(inYekaterinburg).NotifyAsync(Notices.Opened(Notices.NewId(), inYekaterinburg, CheckType.Get, startedAt));
        var utc = (await fixture.Webhooks.WaitForAsync(inUtc, 1))[0].Body;
        var local = (await fixture.Webhooks.WaitForAsync(inYekaterinburg, 1))[0].Body;

        Assert.Empty(update.Errors);
        Assert.Equal("Asia/Yekaterinburg", (await fixture.Notifier(inYekaterinburg).GetSettingsAsync()).TimeZone);
        Assert.StartsWith(startedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), Field(utc, "Started"), StringComparison.Ordinal);
        Assert.EndsWith(" UTC", Field(utc, "Started"), StringComparison.Ordinal);
        Assert.StartsWith(startedAt.ToOffset(TimeSpan.FromHours(5)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), Field(local, "Started"), StringComparison.Ordinal);
        Assert.EndsWith(" UTC+05:00", Field(local, "Started"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CheckErrorCodes.Reauthorize, 401,
        "amoCRM не принимает ключи AmoHub: интеграцию нужно заново авторизовать в amoCRM.",
        "amoCRM refuses AmoHub's credentials: the integration must be authorized again in amoCRM.")]
    [InlineData(CheckErrorCodes.PaymentRequired, 402,
        "amoCRM отвечает 402: тариф или оплата аккаунта amoCRM не позволяют работать через API.",
        "amoCRM answered 402: the amoCRM account plan or payment does not allow the API.")]
    public async Task A_check_down_for_a_reason_someone_must_fix_in_amoCRM_alerts_what_to_do_in_either_language(
        string reason, int httpStatus, string russianCause, string englishCause)
    {
        var (russian, english) = await RussianAndEnglishAsync();
        var startedAt = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1);
        IncidentNotice Down(string account) => Notices.Opened(Notices.NewId(), account, CheckType.Get, startedAt) with
        {
            Details = "What amoCRM refused, in English.",
            HttpStatus = httpStatus,
            ErrorCode = reason,
        };

        await fixture.Notifier(russian).NotifyAsync(Down(russian));
        await fixture.Notifier(english).NotifyAsync(Down(english));
        var ru = (await fixture.Webhooks.WaitForAsync(russian, 1))[0].Body;
        var en = (await fixture.Webhooks.WaitForAsync(english, 1))[0].Body;
        var ruMail = (await fixture.Smtp.WaitForAsync(Email(russian), 1))[0];
        var enHook = (await fixture.Webhooks.WaitForAsync(HookToken(english), 1))[0].Body;

        Assert.Equal($"🔴 {russian}: GET не работает", ru.GetProperty("text").GetString());
        Assert.EndsWith(russianCause, Attachment(ru).GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains(russianCause, ruMail.Body, StringComparison.Ordinal);
        Assert.EndsWith(englishCause, Attachment(en).GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(reason, enHook.GetProperty("errorCode").GetString());
        Assert.EndsWith(englishCause, enHook.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_Mattermost_is_retried_with_back_off_and_delivered_once_it_recovers_while_email_and_the_webhook_deliver()
    {
        var account = NewAccount();
        await fixture.ConfigureAllChannelsAsync(account);
        fixture.Webhooks.Behave(account, WebhookBehaviour.Fail);
        var opened = Notices.Opened(Notices.NewId(), account, CheckType.Get, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1));

        await fixture.Notifier(account).NotifyAsync(opened);
        await fixture.Webhooks.WaitForAsync(HookToken(account), 1);
        await fixture.Smtp.WaitForAsync(Email(account), 1);
        await Eventually.MatchAsync(
            () => Task.FromResult(fixture.Webhooks.Received(account)), posts => posts.Count >= 3, TimeSpan.FromSeconds(30), "three tries at Mattermost");
        // The third try was made after the second had been reported, so the wait that follows has doubled at least once.
        var failing = Channel(await fixture.Notifier(account).GetStatusAsync(), NotificationChannel.Mattermost);
        fixture.Webhooks.Behave(account, WebhookBehaviour.Accept);
        var delivered = await fixture.Webhooks.WaitForAsync(account, 1);
        var status = await Eventually.MatchAsync(
            fixture.Notifier(account).GetStatusAsync, found => found.Pending == 0, TimeSpan.FromSeconds(10), "the outbox to empty");

        var down = $"incident:{opened.IncidentId}:down/mattermost";
        Assert.Equal("HTTP 500", failing.LastError);
        Assert.True(failing.NextAttemptAt - failing.LastErrorAt > RetryInitial, "the wait between tries grows");
        Assert.Equal(down, delivered[0].DeliveryId);
        Assert.Single(fixture.Webhooks.Accepted(account), post => post.DeliveryId == down);
        Assert.All(fixture.Webhooks.Received(account).Where(post => post.Answer == WebhookBehaviour.Fail), post => Assert.Equal(down, post.DeliveryId));
        Assert.All(status.Channels.Where(channel => channel.Configured), channel => Assert.True(channel.Sent >= 1));
        await fixture.Notifier(account).NotifyAsync(Notices.Closed(opened, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task A_hanging_Mattermost_holds_back_neither_the_other_channels_nor_other_accounts()
    {
        var (stuck, other) = (NewAccount(), NewAccount());
        await fixture.ConfigureAllChannelsAsync(stuck);
        await fixture.ConfigureAllChannelsAsync(other);
        fixture.Webhooks.Behave(stuck, WebhookBehaviour.Hang);
        var startedAt = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1);
        var opened = Notices.Opened(Notices.NewId(), stuck, CheckType.Get, startedAt);

        await fixture.Notifier(stuck).NotifyAsync(opened);
        await fixture.Notifier(other).NotifyAsync(Notices.Opened(Notices.NewId(), other, CheckType.Get, startedAt));
        var hook = (await fixture.Webhooks.WaitForAsync(HookToken(stuck), 1))[0];
        var otherPost = (await fixture.Webhooks.WaitForAsync(other, 1))[0];
        var email = await Eventually.MatchAsync(
            async () => Channel(await fixture.Notifier(stuck).GetStatusAsync(), NotificationChannel.Email),
            channel => channel.Sent > 0,
            TimeSpan.FromSeconds(30),
            "the email to go");
        var hanging = await Eventually.MatchAsync(
            async () => Channel(await fixture.Notifier(stuck).GetStatusAsync(), NotificationChannel.Mattermost),
            channel => channel.LastError is not null,
            TimeSpan.FromSeconds(30),
            "the hanging Mattermost to time out");
        fixture.Webhooks.Behave(stuck, WebhookBehaviour.Accept);
        var delivered = await fixture.Webhooks.WaitForAsync(stuck, 1);

        // Anything queued behind the hanging post would have gone only once the notifier gave up on it.
        var hangTimedOut = hanging.LastErrorAt!.Value;
        Assert.True(hook.At < hangTimedOut, "the stuck account's webhook went while Mattermost hung");
        Assert.True(email.LastSentAt < hangTimedOut, "the stuck account's email went while Mattermost hung");
        Assert.True(otherPost.At < hangTimedOut, "the other account's Mattermost post went while the stuck one hung");
        Assert.Equal($"no answer within {DeliveryTimeout.TotalSeconds:0} s", hanging.LastError);
        Assert.Equal($"incident:{opened.IncidentId}:down/mattermost", delivered[0].DeliveryId);
    }

    /// <summary>Two new accounts with every channel configured, one in Russian (the default), one in English.</summary>
    private async Task<(string Russian, string English)> RussianAndEnglishAsync()
    {
        var (russian, english) = (NewAccount(), NewAccount());
        await fixture.ConfigureAllChannelsAsync(russian);
        await fixture.ConfigureAllChannelsAsync(english, language: "en");
        return (russian, english);
    }

    private static IEnumerable<string?> DownAndRestored(IEnumerable<string?> deliveryIds) =>
        deliveryIds.Where(id => id is not null && !id.Contains(":still-down:", StringComparison.Ordinal));

    private static Func<JsonElement, bool> Is(string kind) => body => body.GetProperty("event").GetString() == kind;

    private static JsonElement Attachment(JsonElement post) => post.GetProperty("attachments")[0];

    private static IReadOnlyList<string?> FieldTitles(JsonElement post) =>
        Attachment(post).GetProperty("fields").EnumerateArray().Select(field => field.GetProperty("title").GetString()).ToList();

    private static string? Field(JsonElement post, string title) =>
        Attachment(post).GetProperty("fields").EnumerateArray().Single(field => field.GetProperty("title").GetString() == title).GetProperty("value").GetString();

    private static ChannelStatus Channel(NotifierStatus status, NotificationChannel channel) =>
        status.Channels.Single(candidate => candidate.Channel == channel);
}
