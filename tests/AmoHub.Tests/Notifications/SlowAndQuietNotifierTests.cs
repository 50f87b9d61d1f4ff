using System.Globalization;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Tests.Infrastructure;
using static AmoHub.Tests.Notifications.NotificationsFixture;

namespace AmoHub.Tests.Notifications;

/// <summary>Slow-down alerts and quiet hours through the in-process hub, with notices sent to the notifier as a probe sends them.</summary>
public sealed class SlowAndQuietNotifierTests(NotificationsFixture fixture) : IClassFixture<NotificationsFixture>
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task A_slow_down_past_the_delay_sends_one_slow_alert_and_one_recovered_alert_however_often_the_probe_repeats_itself()
    {
        var account = NewAccount();
        await ConfigureAsync(account, null, null);
        var began = Slow(account, CheckType.Get, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(6), 2400);

        await fixture.Notifier(account).NotifySlowAsync(began);
        await fixture.Notifier(account).NotifySlowAsync(began with { At = DateTimeOffset.UtcNow, P95Ms = 2600 });
        var slow = (await fixture.Webhooks.WaitForAsync(HookToken(account), 1))[0];
        var ended = began with { Slow = false, At = began.At + TimeSpan.FromMinutes(8), P95Ms = 900 };
        await fixture.Notifier(account).NotifySlowAsync(ended);
        await fixture.Notifier(account).NotifySlowAsync(ended);
        await fixture.Webhooks.WaitForAsync(HookToken(account), 2);
        await Eventually.MatchAsync(() => fixture.Notifier(account).GetStatusAsync(), status => status.Pending == 0, TimeSpan.FromSeconds(10), "the outbox to empty");

        var key = $"slow:GET:{began.At.ToUnixTimeMilliseconds()}";
        Assert.Equal([$"{key}:slow/webhook", $"{key}:recovered/webhook"], fixture.Webhooks.Accepted(HookToken(account)).Select(post => post.DeliveryId));
        var recovered = fixture.Webhooks.Accepted(HookToken(account))[1];
        Assert.Equal(("slow", 2400, 1500, 600L), (
            slow.Body.GetProperty("event").GetString(), slow.Body.GetProperty("slow").GetProperty("p95Ms").GetInt32(),
            slow.Body.GetProperty("slow").GetProperty("warningMs").GetInt32(), slow.Body.GetProperty("slow").GetProperty("windowSeconds").GetInt64()));
        Assert.Equal("🟡 " + account + ": GET работает медленно — p95 2,4 с за 10 мин (порог 1,5 с)", slow.Body.GetProperty("title").GetString());
        Assert.Equal(("slow_recovered", 480L), (recovered.Body.GetProperty("event").GetString(), recovered.Body.GetProperty("durationSeconds").GetInt64()));
        Assert.Contains("Замедление длилось 8 мин", recovered.Body.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slow_down_that_ends_within_the_delay_and_one_of_an_account_with_slow_alerts_off_send_nothing()
    {
        var (account, off) = (NewAccount(), NewAccount());
        await ConfigureAsync(account, null, null);
        await ConfigureAsync(off, null, null, slowAlerts: false);
        var shortOne = Slow(account, CheckType.Post, DateTimeOffset.UtcNow, 3100);
        var longOne = Slow(off, CheckType.Post, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(6), 3100);

        await fixture.Notifier(account).NotifySlowAsync(shortOne);
        await fixture.Notifier(account).NotifySlowAsync(shortOne with { Slow = false, At = shortOne.At + TimeSpan.FromSeconds(1) });
        await fixture.Notifier(off).NotifySlowAsync(longOne);
        // An outage opened afterwards is alerted after the slow-downs would have been: whatever they caused is there by then.
        var outage = Notices.Opened(Notices.NewId(), account, CheckType.Get, DateTimeOffset.UtcNow);
        var outageOff = Notices.Opened(Notices.NewId(), off, CheckType.Get, DateTimeOffset.UtcNow);
        await fixture.Notifier(account).NotifyAsync(outage);
        await fixture.Notifier(off).NotifyAsync(outageOff);
        await fixture.Webhooks.WaitForAsync(HookToken(account), 1);
        await fixture.Webhooks.WaitForAsync(HookToken(off), 1);

        Assert.Equal([$"incident:{outage.IncidentId}:down/webhook"], fixture.Webhooks.Accepted(HookToken(account)).Select(post => post.DeliveryId));
        Assert.Equal([$"incident:{outageOff.IncidentId}:down/webhook"], fixture.Webhooks.Accepted(HookToken(off)).Select(post => post.DeliveryId));
        await fixture.Notifier(account).NotifyAsync(Notices.Closed(outage, DateTimeOffset.UtcNow));
        await fixture.Notifier(off).NotifyAsync(Notices.Closed(outageOff, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Quiet_hours_hold_a_non_critical_alert_and_let_DP_through()
    {
        const string Zone = "Asia/Yekaterinburg";
        var account = NewAccount();
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById(Zone));
        await ConfigureAsync(account, Zone, new QuietHours(Clock(local.AddHours(-1)), Clock(local.AddHours(1))));
        var get = Notices.Opened(Notices.NewId(), account, CheckType.Get, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1));
        var dp = Notices.Opened(Notices.NewId(), account, CheckType.Dp, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1));

        await fixture.Notifier(account).NotifyAsync(get);
        await fixture.Notifier(account).NotifyAsync(dp);
        await PostedAsync(account, $"incident:{dp.IncidentId}:down/webhook");
        var quiet = await Eventually.MatchAsync(
            () => fixture.Notifier(account).GetStatusAsync(), status => status.Held > 0, TimeSpan.FromSeconds(20), "the GET alert to be held");
        var duringQuietHours = fixture.Webhooks.Accepted(HookToken(account)).Where(post => post.DeliveryId!.StartsWith($"incident:{get.IncidentId}:", StringComparison.Ordinal)).ToList();
        await ConfigureAsync(account, Zone, new QuietHours(Clock(local.AddHours(1)), Clock(local.AddHours(2))));
        await PostedAsync(account, $"incident:{get.IncidentId}:down/webhook");
        var status = await fixture.Notifier(account).GetStatusAsync();

        Assert.Empty(duringQuietHours);
        Assert.NotNull(quiet.QuietUntil);
        Assert.InRange(quiet.QuietUntil.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(58), TimeSpan.FromMinutes(61));
        Assert.Single(fixture.Webhooks.Accepted(HookToken(account)), post => post.DeliveryId == $"incident:{get.IncidentId}:down/webhook");
        Assert.Equal((0, (DateTimeOffset?)null), (status.Held, status.QuietUntil));
        await fixture.Notifier(account).NotifyAsync(Notices.Closed(get, DateTimeOffset.UtcNow));
        await fixture.Notifier(account).NotifyAsync(Notices.Closed(dp, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task An_incident_that_opens_and_closes_within_the_quiet_hours_sends_nothing_when_they_end()
    {
        var account = NewAccount();
        var now = DateTimeOffset.UtcNow;
        await ConfigureAsync(account, null, new QuietHours(Clock(now.AddHours(-1)), Clock(now.AddHours(1))));
        var night = Notices.Opened(Notices.NewId(), account, CheckType.Web, now - TimeSpan.FromMinutes(1));
        var morning = Notices.Opened(Notices.NewId(), account, CheckType.Post, now - TimeSpan.FromMinutes(1));

        await fixture.Notifier(account).NotifyAsync(night);
        await fixture.Notifier(account).NotifyAsync(morning);
        await Eventually.MatchAsync(() => fixture.Notifier(account).GetStatusAsync(), status => status.Held >= 2, TimeSpan.FromSeconds(20), "both DOWN alerts held");
        await fixture.Notifier(account).NotifyAsync(Notices.Closed(night, DateTimeOffset.UtcNow));
        await ConfigureAsync(account, null, null);
        await PostedAsync(account, $"incident:{morning.IncidentId}:down/webhook");
        await fixture.Notifier(account).NotifyAsync(Notices.Closed(morning, DateTimeOffset.UtcNow));
        await PostedAsync(account, $"incident:{morning.IncidentId}:restored/webhook");

        Assert.DoesNotContain(fixture.Webhooks.Accepted(HookToken(account)), post => post.DeliveryId!.StartsWith($"incident:{night.IncidentId}:", StringComparison.Ordinal));
    }

    private Task PostedAsync(string account, string deliveryId) => Eventually.MatchAsync(
        () => Task.FromResult(fixture.Webhooks.Accepted(HookToken(account))),
        posts => posts.Any(post => post.DeliveryId == deliveryId),
        TimeSpan.FromSeconds(30),
        deliveryId);

    private async Task ConfigureAsync(string account, string? zone, QuietHours? quiet, bool? slowAlerts = null)
    {
        var update = await fixture.Notifier(account).ConfigureAsync(new NotificationSettings(
            null, null, null, new WebhookTarget(fixture.Webhooks.Url(HookToken(account)).AbsoluteUri), null, zone, quiet, slowAlerts));
        Assert.Empty(update.Errors);
    }

    private static SlowNotice Slow(string account, CheckType check, DateTimeOffset at, int p95Ms) =>
        new(account, check, true, at, p95Ms, 1500, Window);

    private static string Clock(DateTimeOffset local) => local.ToString("HH:mm", CultureInfo.InvariantCulture);
}
