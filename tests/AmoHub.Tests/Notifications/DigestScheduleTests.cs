using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Notifications;
using Cronos;
using Microsoft.Extensions.Time.Testing;

namespace AmoHub.Tests.Notifications;

public sealed class DigestScheduleTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly CronExpression MondayNine = Cron("0 9 * * MON");

    [Fact]
    public void A_digest_evaluated_every_minute_goes_once_a_week_at_nine_Berlin_time_on_both_sides_of_the_spring_change()
    {
        // Berlin moves from UTC+1 to UTC+2 on Sunday 29 March 2026: Monday 09:00 is 08:00 UTC before, 07:00 UTC after.
        var sent = Run(MondayNine, Berlin, At("2026-03-20T00:00:00Z"), At("2026-04-07T00:00:00Z"));

        Assert.Equal([At("2026-03-23T08:00:00Z"), At("2026-03-30T07:00:00Z"), At("2026-04-06T07:00:00Z")], sent);
    }

    [Fact]
    public void A_digest_evaluated_every_minute_goes_once_a_week_at_nine_Berlin_time_on_both_sides_of_the_autumn_change()
    {
        // Berlin moves from UTC+2 back to UTC+1 on Sunday 25 October 2026: Monday 09:00 is 07:00 UTC before, 08:00 UTC after.
        var sent = Run(MondayNine, Berlin, At("2026-10-15T00:00:00Z"), At("2026-11-03T00:00:00Z"));

        Assert.Equal([At("2026-10-19T07:00:00Z"), At("2026-10-26T08:00:00Z"), At("2026-11-02T08:00:00Z")], sent);
    }

    [Fact]
    public void The_week_a_digest_covers_is_seven_days_of_the_accounts_calendar_an_hour_shorter_or_longer_across_a_change()
    {
        Assert.Equal(At("2026-03-23T08:00:00Z"), DigestSchedule.WeekStart(At("2026-03-30T07:00:00Z"), Berlin));
        Assert.Equal(At("2026-10-19T07:00:00Z"), DigestSchedule.WeekStart(At("2026-10-26T08:00:00Z"), Berlin));
        Assert.Equal(At("2026-11-30T08:00:00Z"), DigestSchedule.WeekStart(At("2026-12-07T08:00:00Z"), Berlin));
    }

    [Fact]
    public void A_digest_evaluated_twice_for_the_same_week_is_due_once()
    {
        var start = At("2026-03-01T00:00:00Z");
        var now = At("2026-03-02T08:00:20Z");

        var first = DigestSchedule.Due(MondayNine, Berlin, now, start, lastSent: null);
        var again = DigestSchedule.Due(MondayNine, Berlin, now + TimeSpan.FromSeconds(30), start, first);

        Assert.Equal(At("2026-03-02T08:00:00Z"), first);
        Assert.Null(again);
    }

    [Fact]
    public void A_digest_due_while_AmoHub_was_down_goes_when_it_comes_back_within_a_day_and_is_skipped_later()
    {
        var start = At("2026-03-01T00:00:00Z");
        var due = At("2026-03-09T08:00:00Z");
        var lastWeek = At("2026-03-02T08:00:00Z");

        Assert.Equal(due, DigestSchedule.Due(MondayNine, Berlin, due + TimeSpan.FromHours(23), start, lastWeek));
        Assert.Null(DigestSchedule.Due(MondayNine, Berlin, due + DigestSchedule.MaxLateness + TimeSpan.FromMinutes(1), start, lastWeek));
    }

    [Fact]
    public void An_account_whose_schedule_started_after_this_weeks_time_waits_for_next_week()
    {
        var started = At("2026-03-02T09:30:00Z");

        Assert.Null(DigestSchedule.Due(MondayNine, Berlin, At("2026-03-02T10:00:00Z"), started, lastSent: null));
        Assert.Equal(At("2026-03-09T08:00:00Z"), DigestSchedule.Due(MondayNine, Berlin, At("2026-03-09T08:00:30Z"), started, lastSent: null));
    }

    [Fact]
    public void The_accounts_own_cron_and_zone_win_over_the_deployments_and_left_out_they_are_the_deployments()
    {
        var options = new NotificationOptions { TimeZone = "Europe/Moscow" };
        options.Digest.Cron = "0 8 * * FRI";
        var own = new NotificationSettings(null, null, null, null, TimeZone: "Europe/Berlin", Digest: new DigestSettings(false, "0 18 * * SUN"));
        var none = new NotificationSettings(null, null, null, null);
        var thursday = At("2026-03-05T12:00:00Z");

        var (ownEnabled, ownCron, ownZone) = DigestSchedule.Resolve(own, options);
        var (defaultEnabled, defaultCron, defaultZone) = DigestSchedule.Resolve(none, options);

        Assert.Equal((false, "Europe/Berlin", At("2026-03-08T17:00:00Z")), (ownEnabled, ownZone.Id, ownCron.GetNextOccurrence(thursday, ownZone)));
        Assert.Equal((true, "Europe/Moscow", At("2026-03-06T05:00:00Z")), (defaultEnabled, defaultZone.Id, defaultCron.GetNextOccurrence(thursday, defaultZone)));
    }

    [Theory]
    [InlineData("0 9 * *")]
    [InlineData("every monday")]
    [InlineData("0 25 * * MON")]
    public void A_bad_digest_cron_is_refused_naming_digest_cron(string cron)
    {
        var settings = new NotificationSettings(null, null, null, null, Digest: new DigestSettings(true, cron));

        var errors = NotificationRules.Validate(NotificationRules.Normalize(settings), new NotificationOptions());

        Assert.Equal(["digest.cron"], errors.Keys);
    }

    /// <summary>
    /// Walks a fake clock from <paramref name="from"/> to <paramref name="to"/> a minute at a time, as the digest
    /// grain's reminder does, evaluating every tick twice and sending what is due; answers the occurrences sent.
    /// </summary>
    private static List<DateTimeOffset> Run(CronExpression cron, TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to)
    {
        var clock = new FakeTimeProvider(from);
        var since = clock.GetUtcNow();
        DateTimeOffset? lastSent = null;
        var sent = new List<DateTimeOffset>();
        while (clock.GetUtcNow() < to)
        {
            for (var evaluation = 0; evaluation < 2; evaluation++)
            {
                if (DigestSchedule.Due(cron, zone, clock.GetUtcNow(), since, lastSent) is { } due)
                {
                    sent.Add(due);
                    lastSent = due;
                }
            }

            clock.Advance(TimeSpan.FromMinutes(1));
        }

        return sent;
    }

    private static CronExpression Cron(string text) => DigestSchedule.TryParse(text, out var cron) ? cron! : throw new FormatException(text);

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}
