using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Notifications;
using Microsoft.Extensions.Time.Testing;

namespace AmoHub.Tests.Notifications;

/// <summary>The notifier's side of slow-downs: one slow alert after the delay, one fast-again alert, nothing for a short one.</summary>
public sealed class SlowEpisodesTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly Dictionary<CheckType, SlowEpisode> _episodes = [];

    [Fact]
    public void A_slow_down_that_lasts_past_the_delay_raises_one_slow_alert_and_its_end_one_fast_again_alert_with_its_duration()
    {
        var began = _clock.GetUtcNow();
        Assert.True(SlowEpisodes.Apply(_episodes, Notice(slow: true, 2400), out _));
        _clock.Advance(Delay - TimeSpan.FromSeconds(1));
        var early = RaiseDue();
        _clock.Advance(TimeSpan.FromSeconds(1));
        var due = RaiseDue();
        _clock.Advance(TimeSpan.FromMinutes(1));
        var again = RaiseDue();
        var repeated = SlowEpisodes.Apply(_episodes, Notice(slow: true, 2600), out _);
        _clock.Advance(TimeSpan.FromMinutes(6));
        SlowEpisodes.Apply(_episodes, Notice(slow: false, 900), out var recovered);

        Assert.Empty(early);
        var slow = Assert.Single(due);
        Assert.Equal((AlertKind.Slow, CheckType.Get, began, new SlowMeasure(2400, 1500, Window)), (slow.Kind, slow.CheckType, slow.StartedAt, slow.Slow));
        Assert.Empty(again);
        Assert.False(repeated);
        Assert.NotNull(recovered);
        Assert.Equal((AlertKind.SlowRecovered, began, TimeSpan.FromMinutes(12), 900), (recovered.Kind, recovered.StartedAt, recovered.Duration, recovered.Slow!.P95Ms));
        Assert.Equal(slow.Key.Replace(":slow", ":recovered", StringComparison.Ordinal), recovered.Key);
        Assert.Empty(_episodes);
    }

    [Fact]
    public void A_slow_down_that_ends_within_the_delay_raises_nothing_at_all()
    {
        SlowEpisodes.Apply(_episodes, Notice(slow: true, 2400), out _);
        _clock.Advance(Delay - TimeSpan.FromMinutes(1));
        var ended = SlowEpisodes.Apply(_episodes, Notice(slow: false, 1000), out var recovered);
        _clock.Advance(Delay);

        Assert.True(ended);
        Assert.Null(recovered);
        Assert.Empty(RaiseDue());
        Assert.False(SlowEpisodes.Apply(_episodes, Notice(slow: false, 1000), out _));
    }

    [Fact]
    public void A_maintenance_under_way_holds_the_slow_alert_to_its_end_and_switched_off_slow_alerts_raise_none()
    {
        SlowEpisodes.Apply(_episodes, Notice(slow: true, 2400), out _);
        var maintenanceEnd = _clock.GetUtcNow() + TimeSpan.FromHours(1);
        var episode = _episodes[CheckType.Get];

        Assert.Equal(maintenanceEnd, SlowEpisodes.DueAt(episode, Delay, enabled: true, maintenanceEnd));
        Assert.Equal(episode.StartedAt + Delay, SlowEpisodes.DueAt(episode, Delay, enabled: true, heldUntil: null));
        Assert.Null(SlowEpisodes.DueAt(episode, Delay, enabled: false, heldUntil: null));
        _clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Empty(SlowEpisodes.RaiseDue(_episodes, "acme", _clock.GetUtcNow(), Delay, enabled: true, maintenanceEnd));
        Assert.Empty(SlowEpisodes.RaiseDue(_episodes, "acme", _clock.GetUtcNow(), Delay, enabled: false, heldUntil: null));
    }

    [Theory]
    [InlineData(NotificationLanguage.En, "🟡 acme: GET is slow — p95 2.4 s over 10 min (warning at 1.5 s)")]
    [InlineData(NotificationLanguage.Ru, "🟡 acme: GET работает медленно — p95 2,4 с за 10 мин (порог 1,5 с)")]
    public void A_slow_alert_says_its_percentile_window_and_threshold_in_its_title(NotificationLanguage language, string title)
    {
        var at = _clock.GetUtcNow();
        var alert = new Alert(AlertKind.Slow, "acme", CheckType.Get, null, at - TimeSpan.FromMinutes(5), at, Slow: new SlowMeasure(2400, 1500, Window));

        var message = AlertText.Render(alert, language, TimeZoneInfo.Utc);

        Assert.Equal((title, AlertText.Yellow), (message.Title, message.Color));
        Assert.Equal("slow", alert.Event);
    }

    private List<Alert> RaiseDue() => SlowEpisodes.RaiseDue(_episodes, "acme", _clock.GetUtcNow(), Delay, enabled: true, heldUntil: null);

    private SlowNotice Notice(bool slow, int p95Ms) => new("acme", CheckType.Get, slow, _clock.GetUtcNow(), p95Ms, 1500, Window);
}
