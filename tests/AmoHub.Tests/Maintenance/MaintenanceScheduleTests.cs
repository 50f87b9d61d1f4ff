using AmoHub.Grains.Interfaces.Maintenance;
using AmoHub.Grains.Maintenance;
using Microsoft.Extensions.Time.Testing;

namespace AmoHub.Tests.Maintenance;

public sealed class MaintenanceScheduleTests
{
    private static readonly DateTimeOffset Created = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_recurring_window_stays_at_its_local_time_across_the_spring_daylight_saving_change()
    {
        // 01:30 to 02:30 Berlin time every night; on 29 March 2026 Berlin moves from UTC+1 to UTC+2 at 02:00.
        var window = Recurring("30 1 * * *", "Europe/Berlin", TimeSpan.FromHours(1));

        var beforeChange = MaintenanceSchedule.Covering(window, At("2026-03-29T00:45:00Z"));
        var afterChange = MaintenanceSchedule.Covering(window, At("2026-03-29T23:45:00Z"));
        var anHourLate = MaintenanceSchedule.Covering(window, At("2026-03-30T00:45:00Z"));
        var next = MaintenanceSchedule.NextEdge(window, At("2026-03-29T12:00:00Z"));

        Assert.Equal((At("2026-03-29T00:30:00Z"), At("2026-03-29T01:30:00Z")), (beforeChange!.Start, beforeChange.End));
        Assert.Equal((At("2026-03-29T23:30:00Z"), At("2026-03-30T00:30:00Z")), (afterChange!.Start, afterChange.End));
        Assert.Null(anHourLate);
        Assert.Equal(At("2026-03-29T23:30:00Z"), next);
    }

    [Fact]
    public void Followed_edge_to_edge_on_a_fake_clock_a_nightly_window_opens_at_01_30_Berlin_time_every_night_across_the_change()
    {
        // As the maintenance grain does: sleep until the next edge, wake, look at what covers now.
        var window = Recurring("30 1 * * *", "Europe/Berlin", TimeSpan.FromHours(1));
        var clock = new FakeTimeProvider(At("2026-03-27T12:00:00Z"));
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var opened = new List<DateTimeOffset>();
        while (clock.GetUtcNow() < At("2026-03-31T12:00:00Z"))
        {
            clock.SetUtcNow(MaintenanceSchedule.NextEdge(window, clock.GetUtcNow())!.Value);
            if (MaintenanceSchedule.Covering(window, clock.GetUtcNow()) is { } period && period.Start == clock.GetUtcNow())
            {
                opened.Add(period.Start);
            }
        }

        Assert.Equal(
            [At("2026-03-28T00:30:00Z"), At("2026-03-29T00:30:00Z"), At("2026-03-29T23:30:00Z"), At("2026-03-30T23:30:00Z"), At("2026-03-31T23:30:00Z")],
            opened);
        Assert.All(opened, start => Assert.Equal(new TimeSpan(1, 30, 0), TimeZoneInfo.ConvertTime(start, berlin).TimeOfDay));
    }

    [Fact]
    public void A_recurring_windows_end_is_its_next_edge_while_it_is_on_and_its_last_occurrence_is_found_once_over()
    {
        var window = Recurring("0 22 * * 5", "Europe/Moscow", TimeSpan.FromHours(2));

        var friday = At("2026-03-06T19:30:00Z");

        Assert.Equal(At("2026-03-06T21:00:00Z"), MaintenanceSchedule.NextEdge(window, friday));
        Assert.Equal(At("2026-03-06T19:00:00Z"), MaintenanceSchedule.LastEnded(window, At("2026-03-06T21:00:00Z"))!.Start);
        Assert.Null(MaintenanceSchedule.LastEnded(window, friday));
    }

    [Fact]
    public void A_one_off_window_covers_from_its_start_to_just_before_its_end()
    {
        var window = new MaintenanceWindow("mw-1", new MaintenanceRequest("acme", At("2026-03-02T10:00:00Z"), At("2026-03-02T11:00:00Z"), null, null, null, "upgrade"), Created);

        Assert.Null(MaintenanceSchedule.Covering(window, At("2026-03-02T09:59:59Z")));
        Assert.Equal("upgrade", MaintenanceSchedule.Covering(window, At("2026-03-02T10:00:00Z"))!.Reason);
        Assert.Null(MaintenanceSchedule.Covering(window, At("2026-03-02T11:00:00Z")));
        Assert.Equal(At("2026-03-02T11:00:00Z"), MaintenanceSchedule.NextEdge(window, At("2026-03-02T10:30:00Z")));
        Assert.Null(MaintenanceSchedule.NextEdge(window, At("2026-03-02T11:00:00Z")));
    }

    [Theory]
    [InlineData("2026-03-02T10:00:00Z", "2026-03-02T09:00:00Z", null, null, null, "to")]
    [InlineData("2026-03-02T10:00:00Z", null, null, null, null, "to")]
    [InlineData("2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z", "0 2 * * *", null, null, "from")]
    [InlineData(null, null, "every night", "Europe/Moscow", "01:00:00", "cron")]
    [InlineData(null, null, "0 2 * * *", "Mars/Olympus_Mons", "01:00:00", "timeZone")]
    [InlineData(null, null, "0 2 * * *", "Europe/Moscow", "8.00:00:00", "duration")]
    [InlineData(null, null, "0 2 * * *", "Europe/Moscow", null, "duration")]
    public void A_bad_window_is_refused_naming_the_field(string? from, string? to, string? cron, string? zone, string? duration, string field)
    {
        var request = new MaintenanceRequest(
            null, from is null ? null : At(from), to is null ? null : At(to), cron, zone, duration is null ? null : TimeSpan.Parse(duration, System.Globalization.CultureInfo.InvariantCulture), null);

        var errors = MaintenanceRules.Validate(MaintenanceRules.Normalize(request), Created);

        Assert.True(errors.ContainsKey(field), string.Join("; ", errors.Keys));
    }

    private static MaintenanceWindow Recurring(string cron, string zone, TimeSpan duration) =>
        new("mw-2", new MaintenanceRequest(null, null, null, cron, zone, duration, null), Created);

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}
