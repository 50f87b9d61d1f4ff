using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Probes;
using Microsoft.Extensions.Time.Testing;

namespace AmoHub.Tests.Monitoring;

/// <summary>The probe's side of slow-downs: the 95th percentile of its answers over a sliding window.</summary>
public sealed class SlowWindowTests
{
    private static readonly TimeSpan Warning = TimeSpan.FromMilliseconds(1500);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_p95_at_the_warning_threshold_turns_slow_and_it_turns_fast_once_the_slow_answer_slides_out_of_the_window()
    {
        var window = new SlowWindow(TimeSpan.FromMinutes(10), minSamples: 5);

        // One answer a minute: five fast, one at the threshold, then fast ones until the slow one is 10 minutes old.
        var told = Feed(window, 5, 1000, TimeSpan.FromMinutes(1))
            .Concat(Feed(window, 1, 1500, TimeSpan.FromMinutes(1)))
            .Concat(Feed(window, 10, 1000, TimeSpan.FromMinutes(1)));

        bool?[] expected = [null, null, null, null, false, true, null, null, null, null, null, null, null, null, null, false];
        Assert.Equal(expected, told);
        Assert.Equal(1000, window.P95);
    }

    [Fact]
    public void The_percentile_is_the_nearest_rank_so_one_slow_answer_in_twenty_is_not_slow_and_two_are()
    {
        var window = new SlowWindow(TimeSpan.FromMinutes(10), minSamples: 5);
        Feed(window, 19, 1000, TimeSpan.FromSeconds(30));

        var oneSlow = window.Observe(Answer(2400), Warning);
        _clock.Advance(TimeSpan.FromSeconds(20));
        var twoSlow = window.Observe(Answer(2400), Warning);

        Assert.Null(oneSlow);
        Assert.Equal((true, 2400), (twoSlow, window.P95));
    }

    [Fact]
    public void Down_results_are_not_samples_of_speed()
    {
        var window = new SlowWindow(TimeSpan.FromMinutes(10), minSamples: 5);
        Feed(window, 5, 1000, TimeSpan.FromSeconds(30));

        var afterTimeouts = Enumerable.Range(0, 5).Select(_ =>
        {
            _clock.Advance(TimeSpan.FromSeconds(30));
            return window.Observe(new CheckResult(_clock.GetUtcNow(), HealthStatus.Down, 10_000, null, "No answer within 10 s.", CheckErrorCodes.Timeout), Warning);
        }).ToList();

        Assert.All(afterTimeouts, Assert.Null);
        Assert.Equal(1000, window.P95);
    }

    [Fact]
    public void With_too_few_answers_in_the_window_nothing_is_decided_and_the_last_state_holds()
    {
        var window = new SlowWindow(TimeSpan.FromMinutes(10), minSamples: 5);
        Feed(window, 5, 1000, TimeSpan.FromMinutes(1));

        // The probe was stopped for 20 minutes: the window emptied, and four slow answers are not enough to decide.
        _clock.Advance(TimeSpan.FromMinutes(20));
        var told = Feed(window, 5, 3000, TimeSpan.FromMinutes(1));

        Assert.Equal([null, null, null, null, true], told);
    }

    /// <summary>Gives the window <paramref name="count"/> answers of <paramref name="milliseconds"/>, one every <paramref name="step"/>.</summary>
    private List<bool?> Feed(SlowWindow window, int count, int milliseconds, TimeSpan step)
    {
        var told = new List<bool?>();
        for (var i = 0; i < count; i++)
        {
            told.Add(window.Observe(Answer(milliseconds), Warning));
            _clock.Advance(step);
        }

        return told;
    }

    private CheckResult Answer(int milliseconds) => ProbeEvaluation.Classify(
        new CheckResult(_clock.GetUtcNow(), HealthStatus.Up, milliseconds, 200, null),
        new CheckThresholds(Warning, TimeSpan.FromSeconds(5)));
}
