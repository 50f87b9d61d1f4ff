using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Notifications;

namespace AmoHub.Tests.Notifications;

/// <summary>Quiet hours on an account's clock, with fixed instants: across midnight, across daylight saving changes.</summary>
public sealed class QuietHoursRuleTests
{
    private static readonly QuietHours Night = new("22:00", "08:00");
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeZoneInfo Moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");

    [Theory]
    [InlineData("2026-01-10T18:59:00Z", null)]
    [InlineData("2026-01-10T19:00:00Z", "2026-01-11T05:00:00Z")]
    [InlineData("2026-01-10T22:30:00Z", "2026-01-11T05:00:00Z")]
    [InlineData("2026-01-11T04:59:00Z", "2026-01-11T05:00:00Z")]
    [InlineData("2026-01-11T05:00:00Z", null)]
    public void Quiet_hours_that_cross_midnight_run_from_the_evening_to_the_morning_of_the_accounts_zone(string now, string? until) =>
        Assert.Equal(Instant(until), QuietHoursRule.Until(Night, Moscow, Instant(now)!.Value));

    [Theory]
    [InlineData("2026-03-28T20:59:00Z", null)]
    [InlineData("2026-03-28T21:00:00Z", "2026-03-29T06:00:00Z")]
    [InlineData("2026-03-29T05:59:00Z", "2026-03-29T06:00:00Z")]
    [InlineData("2026-03-29T06:00:00Z", null)]
    [InlineData("2026-10-24T20:00:00Z", "2026-10-25T07:00:00Z")]
    [InlineData("2026-10-25T06:59:00Z", "2026-10-25T07:00:00Z")]
    public void Quiet_hours_follow_the_clock_across_a_daylight_saving_change(string now, string? until)
    {
        // Berlin springs forward on 29 March 2026 (22:00 is 21:00 UTC, 08:00 the next morning 06:00 UTC) and falls
        // back on 25 October 2026 (22:00 is 20:00 UTC, 08:00 the next morning 07:00 UTC).
        Assert.Equal(Instant(until), QuietHoursRule.Until(Night, Berlin, Instant(now)!.Value));
    }

    [Theory]
    [InlineData("01:00", "02:30", "2026-03-29T00:30:00Z", "2026-03-29T01:00:00Z")]
    [InlineData("01:00", "02:30", "2026-10-24T23:30:00Z", "2026-10-25T00:30:00Z")]
    [InlineData("01:00", "02:30", "2026-10-25T01:15:00Z", "2026-10-25T01:30:00Z")]
    [InlineData("13:00", "14:00", "2026-07-01T11:30:00Z", "2026-07-01T12:00:00Z")]
    [InlineData("13:00", "14:00", "2026-07-01T12:00:00Z", null)]
    public void An_end_the_clock_skips_comes_when_it_jumps_past_it_and_one_it_passes_twice_comes_each_time(string from, string to, string now, string? until)
    {
        // 02:30 does not exist in Berlin on 29 March 2026: the clock jumps from 02:00 CET (01:00 UTC) to 03:00 CEST.
        // On 25 October 2026 it comes twice (00:30 and 01:30 UTC): the second pass of 02:15 is quiet until the second 02:30.
        Assert.Equal(Instant(until), QuietHoursRule.Until(new QuietHours(from, to), Berlin, Instant(now)!.Value));
    }

    [Fact]
    public void Bad_quiet_hours_are_refused_naming_each_field()
    {
        var errors = new Dictionary<string, string[]>();
        QuietHoursRule.Validate(new QuietHours("25:00", "8", ["DP", "LEADS"]), errors);
        var same = new Dictionary<string, string[]>();
        QuietHoursRule.Validate(new QuietHours("22:00", "22:00"), same);
        var good = new Dictionary<string, string[]>();
        QuietHoursRule.Validate(new QuietHours("22:00", "08:00", ["dp", "hook"]), good);

        Assert.Equal(["quietHours.critical[1]", "quietHours.from", "quietHours.to"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["quietHours.to"], same.Keys);
        Assert.Empty(good);
        Assert.Equal<string>(["DP", "HOOK"], QuietHoursRule.Normalize(new QuietHours(" 22:00", "08:00 ", [" dp", "hook"])).Critical!.Value);
    }

    [Fact]
    public void Quiet_hours_hold_alerts_about_checks_other_than_the_critical_ones_and_never_a_maintenance_announcement()
    {
        var critical = new HashSet<CheckType> { CheckType.Dp, CheckType.Hook };
        var at = DateTimeOffset.UnixEpoch;

        Assert.True(QuietHoursRule.Holds(new Alert(AlertKind.Down, "acme", CheckType.Get, 1, at, at), critical));
        Assert.False(QuietHoursRule.Holds(new Alert(AlertKind.Down, "acme", CheckType.Dp, 2, at, at), critical));
        Assert.False(QuietHoursRule.Holds(new Alert(AlertKind.MaintenanceStarted, "acme", null, null, at, at, WindowId: "w"), critical));
        Assert.Equal(new HashSet<CheckType> { CheckType.Dp, CheckType.Hook }, new NotificationOptions().Critical);
        Assert.Equal(new HashSet<CheckType> { CheckType.Get }, new NotificationOptions { CriticalChecks = ["GET"] }.Critical);
        Assert.Empty(new NotificationOptions { CriticalChecks = [""] }.Critical);
    }

    [Fact]
    public void An_incident_or_slow_down_that_began_and_ended_within_the_quiet_hours_leaves_nothing_held()
    {
        var held = new List<Alert>();
        var at = DateTimeOffset.UnixEpoch;
        var down = new Alert(AlertKind.Down, "acme", CheckType.Get, 7, at, at);
        var slow = new Alert(AlertKind.Slow, "acme", CheckType.Post, null, at, at, Slow: new SlowMeasure(4000, 3000, TimeSpan.FromMinutes(10)));
        var otherSlow = slow with { StartedAt = at - TimeSpan.FromHours(1) };

        HeldAlerts.Hold(held, down);
        HeldAlerts.Hold(held, down with { Kind = AlertKind.StillDown, Count = 1 });
        HeldAlerts.Hold(held, slow);
        HeldAlerts.Hold(held, otherSlow);
        var restoredKept = HeldAlerts.Hold(held, down with { Kind = AlertKind.Restored });
        var recoveredKept = HeldAlerts.Hold(held, slow with { Kind = AlertKind.SlowRecovered });

        Assert.False(restoredKept);
        Assert.False(recoveredKept);
        Assert.Equal([otherSlow], held);
    }

    [Fact]
    public void Only_the_latest_still_down_alert_is_held_and_a_restored_alert_replaces_it_when_the_down_alert_went_out_before()
    {
        var held = new List<Alert>();
        var at = DateTimeOffset.UnixEpoch;
        var incident = new Alert(AlertKind.StillDown, "acme", CheckType.Get, 7, at, at, Count: 1);

        HeldAlerts.Hold(held, incident);
        HeldAlerts.Hold(held, incident with { Count = 2 });
        var latest = held.ToList();
        var restored = incident with { Kind = AlertKind.Restored, Count = 0 };
        HeldAlerts.Hold(held, restored);

        Assert.Equal(2, Assert.Single(latest).Count);
        Assert.Equal([restored], held);
    }

    private static DateTimeOffset? Instant(string? value) =>
        value is null ? null : DateTimeOffset.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
}
