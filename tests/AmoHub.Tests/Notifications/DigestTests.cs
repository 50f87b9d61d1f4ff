using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Monitoring.Incidents;
using AmoHub.Grains.Probes;
using AmoHub.Tests.Infrastructure;
using AmoHub.Tests.Monitoring;
using Microsoft.Extensions.DependencyInjection;
using static AmoHub.Tests.Notifications.NotificationsFixture;

namespace AmoHub.Tests.Notifications;

/// <summary>
/// The weekly digest through a running AmoHub: the week's figures of the sandbox account, seeded as results and
/// incidents, asked for over the API and delivered on every channel; and a digest the schedule sends by itself.
/// </summary>
public sealed class DigestTests(NotificationsFixture fixture) : IClassFixture<NotificationsFixture>
{
    private const string Account = MonitoringApiFixture.Account;
    private const string Endpoint = $"/api/accounts/{Account}/notifications";

    [Fact]
    public async Task The_digest_asked_for_reaches_every_channel_with_the_weeks_numbers_in_the_accounts_language()
    {
        await SeedWeekAsync(DateTimeOffset.UtcNow);

        // English first, then Russian, each on channels of its own; the schedule is off, asking still works.
        var english = await AskAsync("en");
        AssertDelivered(english, "📊 sandbox: weekly report", ("GET — API read", "uptime 98%, p95 289 ms, incidents: 2, downtime 40 min, MTTR 20 min"), ("POST — API write", "uptime 100%, p95 500 ms, incidents: 1, downtime 1 h, MTTR 1 h"));
        var russian = await AskAsync("ru");
        AssertDelivered(russian, "📊 sandbox: отчёт за неделю", ("GET — чтение через API", "доступность 98 %, p95 289 мс, сбоев: 2, простой 40 мин, MTTR 20 мин"), ("POST — запись через API", "доступность 100 %, p95 500 мс, сбоев: 1, простой 1 ч, MTTR 1 ч"));

        // The answer has the numbers as /api/stats has them: a percentage, and milliseconds.
        var answer = english.Answer;
        Assert.Equal(["mattermost", "email", "webhook", "telegram"], answer.GetProperty("channels").EnumerateArray().Select(channel => channel.GetString()));
        Assert.True(answer.GetProperty("excludesMaintenance").GetBoolean());
        var checks = answer.GetProperty("checks").EnumerateArray().ToDictionary(check => check.GetProperty("checkType").GetString()!);
        Assert.Equal(["GET", "POST"], checks.Keys);
        var get = checks["GET"];
        Assert.Equal(
            (200L, 98.0, 289, 2, 2_400_000L, 1_200_000L),
            (get.GetProperty("totalChecks").GetInt64(), get.GetProperty("uptime").GetDouble(), get.GetProperty("p95").GetInt32(), get.GetProperty("incidentCount").GetInt32(),
                get.GetProperty("totalDowntime").GetInt64(), get.GetProperty("mttr").GetInt64()));

        // The generic webhook carries the figures as JSON, the week's edges in UTC and the account's time zone.
        var hook = english.Hook;
        Assert.Equal("digest", hook.GetProperty("event").GetString());
        var digest = hook.GetProperty("digest");
        Assert.Equal(("Europe/Berlin", true), (digest.GetProperty("timeZone").GetString(), digest.GetProperty("excludesMaintenance").GetBoolean()));
        Assert.Equal(TimeSpan.FromDays(7), digest.GetProperty("to").GetDateTimeOffset() - digest.GetProperty("from").GetDateTimeOffset());
        var hookGet = digest.GetProperty("checks").EnumerateArray().Single(check => check.GetProperty("check").GetString() == "GET");
        Assert.Equal(
            (98.0, 289, 2, 2_400L, 1_200L),
            (hookGet.GetProperty("uptime").GetDouble(), hookGet.GetProperty("p95").GetInt32(), hookGet.GetProperty("incidents").GetInt32(),
                hookGet.GetProperty("downtimeSeconds").GetInt64(), hookGet.GetProperty("mttrSeconds").GetInt64()));
    }

    [Fact]
    public async Task Asking_for_a_digest_of_an_account_without_channels_is_a_409()
    {
        using var put = await fixture.Hub.Http.PutAsJsonAsync(Endpoint, new { language = "en" });
        using var post = await fixture.Hub.Http.PostAsync(new Uri($"{Endpoint}/digest", UriKind.Relative), null);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Conflict), (put.StatusCode, post.StatusCode));
        Assert.Equal("application/problem+json", post.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_digest_goes_out_by_itself_when_its_cron_comes_due_once_for_each_occurrence()
    {
        var account = NewAccount();
        var update = await fixture.Notifier(account).ConfigureAsync(new NotificationSettings(
            "en", null, null, new WebhookTarget(fixture.Webhooks.Url(HookToken(account)).AbsoluteUri), Digest: new DigestSettings(true, "* * * * *")));
        Assert.Empty(update.Errors);
        var schedule = fixture.Hub.Services.GetRequiredService<IGrainFactory>().GetGrain<IDigestGrain>(GrainKeys.Digest(account));

        await schedule.StartAsync();
        await schedule.StartAsync();
        var posts = await fixture.Webhooks.WaitForAsync(HookToken(account), 1, TimeSpan.FromSeconds(150));
        await schedule.StopAsync();

        var first = posts[0].Body;
        var to = first.GetProperty("digest").GetProperty("to").GetDateTimeOffset();
        Assert.Equal(("digest", 0L), (first.GetProperty("event").GetString(), to.ToUnixTimeMilliseconds() % 60_000));
        Assert.Equal($"digest:{to.ToUnixTimeMilliseconds()}/webhook", posts[0].DeliveryId);
        var deliveries = fixture.Webhooks.Received(HookToken(account)).Select(post => post.DeliveryId).ToList();
        Assert.Equal(deliveries.Distinct().Count(), deliveries.Count);
    }

    [Fact]
    public async Task A_digest_schedule_sleeps_until_its_next_occurrence_and_follows_a_change_of_its_settings()
    {
        var account = NewAccount();
        var webhook = new WebhookTarget(fixture.Webhooks.Url(HookToken(account)).AbsoluteUri);
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var factory = fixture.Hub.Services.GetRequiredService<IGrainFactory>();
        var schedule = factory.GetGrain<IDigestGrain>(GrainKeys.Digest(account));
        var reminders = fixture.Hub.Services.GetRequiredService<IReminderTable>();
        async Task<ReminderEntry?> Reminder() => await reminders.ReadRow(schedule.GetGrainId(), "digest");
        Task<NotificationUpdate> Configure(DigestSettings digest) =>
            fixture.Notifier(account).ConfigureAsync(new NotificationSettings("en", null, null, webhook, TimeZone: "Europe/Berlin", Digest: digest));

        Assert.Empty((await Configure(new DigestSettings(true, "0 9 * * MON"))).Errors);
        var started = DateTime.UtcNow;
        await schedule.StartAsync();
        var monday = await Reminder();

        Assert.NotNull(monday);
        var local = TimeZoneInfo.ConvertTimeFromUtc(monday.StartAt, berlin);
        Assert.Equal((DayOfWeek.Monday, 9, 0, TimeSpan.FromHours(1)), (local.DayOfWeek, local.Hour, local.Minute, monday.Period));
        Assert.InRange(monday.StartAt, started, started.AddDays(7));

        Assert.Empty((await Configure(new DigestSettings(true, "30 18 * * FRI"))).Errors);
        var friday = await Eventually.MatchAsync(Reminder, entry => entry?.StartAt != monday.StartAt, TimeSpan.FromSeconds(10), "the reminder moved to Friday");
        local = TimeZoneInfo.ConvertTimeFromUtc(friday!.StartAt, berlin);
        Assert.Equal((DayOfWeek.Friday, 18, 30), (local.DayOfWeek, local.Hour, local.Minute));

        Assert.Empty((await Configure(new DigestSettings(false, null))).Errors);
        await Eventually.MatchAsync(Reminder, entry => entry is null, TimeSpan.FromSeconds(10), "the reminder removed with digests off");
        await schedule.StopAsync();
    }

    [Fact]
    public async Task A_scheduled_week_handed_to_the_notifier_twice_is_queued_once_and_a_digest_asked_for_of_it_still_goes()
    {
        var account = NewAccount();
        await fixture.ConfigureAllChannelsAsync(account, "en");
        var to = new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
        var week = new DigestReport(to.AddDays(-7), to, [new DigestCheck(CheckType.Get, 10, 100, 120, 0, TimeSpan.Zero, null)], Scheduled: true);
        var notifier = fixture.Notifier(account);

        var first = await notifier.RaiseDigestAsync(week);
        var again = await notifier.RaiseDigestAsync(week);
        var asked = await notifier.RaiseDigestAsync(week with { Scheduled = false });
        await fixture.Webhooks.WaitForAsync(HookToken(account), 2);
        var status = await Eventually.MatchAsync(
            () => notifier.GetStatusAsync(), found => found.Pending == 0, TimeSpan.FromSeconds(30), "the outbox to empty");

        Assert.Equal([NotificationChannel.Mattermost, NotificationChannel.Email, NotificationChannel.Webhook], first.ToArray());
        Assert.Empty(again);
        Assert.Equal(first.ToArray(), asked.ToArray());
        Assert.Equal(6, status.Sent);
        Assert.Equal(
            [$"digest:{to.ToUnixTimeMilliseconds()}/webhook", $"digest-now:{to.ToUnixTimeMilliseconds()}/webhook"],
            fixture.Webhooks.Received(HookToken(account)).Select(post => post.DeliveryId));
    }

    /// <summary>
    /// Writes the sandbox's week before <paramref name="now"/>: GET every 30 min for 100 h (200 results taking
    /// 100-299 ms, 4 of them down: 98 % uptime, p95 289 ms) and POST every hour (100 results of 500 ms, all up); two
    /// GET incidents of 30 and 10 min and a POST one of an hour, plus what the digest leaves out: a GET incident that
    /// opened during maintenance and one from before the week.
    /// </summary>
    private async Task SeedWeekAsync(DateTimeOffset now)
    {
        var start = now - TimeSpan.FromHours(100);
        var results = Enumerable.Range(0, 200)
            .Select(i => new HealthCheckRecord(Account, CheckType.Get, new CheckResult(
                start + (i * TimeSpan.FromMinutes(30)), i % 50 == 0 ? HealthStatus.Down : HealthStatus.Up, 100 + i, i % 50 == 0 ? 502 : 200, null)))
            .Concat(Enumerable.Range(0, 100).Select(i => new HealthCheckRecord(Account, CheckType.Post, new CheckResult(
                start + TimeSpan.FromHours(i) + TimeSpan.FromMinutes(7), HealthStatus.Up, 500, 200, null))))
            .ToList();
        await MonitoringSamples.WriteAsync(fixture.Hub.Services.GetRequiredService<HealthCheckLog>(), results);
        long Ago(TimeSpan ago) => (now - ago).ToUnixTimeMilliseconds();
        long Minutes(double minutes) => (long)TimeSpan.FromMinutes(minutes).TotalMilliseconds;
        var (threeDays, twoDays, oneDay, nineDays) = (Ago(TimeSpan.FromDays(3)), Ago(TimeSpan.FromDays(2)), Ago(TimeSpan.FromDays(1)), Ago(TimeSpan.FromDays(9)));
        await MonitoringSamples.InsertIncidentsAsync(fixture.Hub.Database.Database, Account,
        [
            new("GET", threeDays, threeDays + Minutes(30), "30 minutes"),
            new("GET", twoDays, twoDays + Minutes(10), "10 minutes"),
            new("POST", oneDay, oneDay + Minutes(60), "an hour"),
            new("GET", nineDays, nineDays + Minutes(60), "before the week"),
        ]);
        var incidents = new IncidentStore(fixture.Hub.Database.Database, TimeProvider.System);
        var maintenance = now - TimeSpan.FromHours(20);
        await incidents.OpenAsync(Account, CheckType.Get, maintenance, "during maintenance", null, 502, maintenance: true);
        await incidents.CloseAsync(Account, CheckType.Get, maintenance, maintenance + TimeSpan.FromMinutes(5));
    }

    /// <summary>Gives the sandbox fresh channels in <paramref name="language"/> and Berlin time, the schedule off, asks for a digest and waits for it everywhere.</summary>
    private async Task<Delivered> AskAsync(string language)
    {
        var token = $"digest-{language}-{Guid.NewGuid():N}";
        var (hookToken, mail, chat) = (HookToken(token), Email(token), TelegramTests.NewChat());
        using var put = await fixture.Hub.Http.PutAsJsonAsync(Endpoint, new
        {
            language,
            timeZone = "Europe/Berlin",
            mattermost = new { webhookUrl = fixture.Webhooks.Url(token) },
            email = new { recipients = new[] { mail } },
            webhook = new { url = fixture.Webhooks.Url(hookToken) },
            telegram = new { chatId = chat },
            digest = new { enabled = false },
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var stored = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.False, stored.GetProperty("digest").GetProperty("enabled").ValueKind);

        using var post = await fixture.Hub.Http.PostAsync(new Uri($"{Endpoint}/digest", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        var answer = await post.Content.ReadFromJsonAsync<JsonElement>();
        var mattermost = (await fixture.Webhooks.WaitForAsync(token, 1)).Single().Body;
        var hook = (await fixture.Webhooks.WaitForAsync(hookToken, 1)).Single().Body;
        var email = (await fixture.Smtp.WaitForAsync(mail, 1)).Single();
        var telegram = (await fixture.Telegram.WaitForAsync(chat, 1)).Single();
        return new Delivered(answer, mattermost, hook, email, telegram);
    }

    /// <summary>Asserts each channel has the title and every check's line, in its own shape.</summary>
    private static void AssertDelivered(Delivered delivered, string title, params (string Check, string Line)[] rows)
    {
        var attachment = delivered.Mattermost.GetProperty("attachments")[0];
        var fields = attachment.GetProperty("fields").EnumerateArray()
            .ToDictionary(field => field.GetProperty("title").GetString()!, field => field.GetProperty("value").GetString());
        Assert.Equal(title, attachment.GetProperty("title").GetString());
        Assert.Equal(title, delivered.Email.Subject);
        Assert.Equal(title, delivered.Hook.GetProperty("title").GetString());
        Assert.StartsWith($"<b>{title}</b>", delivered.Telegram.Text, StringComparison.Ordinal);
        foreach (var (check, line) in rows)
        {
            Assert.Equal(line, fields[check]);
            Assert.Contains($"{check}: {line}", delivered.Email.Body, StringComparison.Ordinal);
            Assert.Contains($"<b>{check}:</b> {line}", delivered.Telegram.Text, StringComparison.Ordinal);
        }
    }

    private sealed record Delivered(JsonElement Answer, JsonElement Mattermost, JsonElement Hook, ReceivedMail Email, TelegramPost Telegram);
}
