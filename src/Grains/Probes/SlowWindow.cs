using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.Grains.Probes;

/// <summary>
/// The response times of one probe's results over the last <see cref="Window"/>, and whether their 95th percentile
/// (nearest rank) is at or over the check's warning threshold. Only answers count: a down result (an error, a timeout,
/// an answer past the down threshold) is an incident of its own and says nothing about speed, so it is left out.
/// With fewer than <see cref="MinSamples"/> answers in the window nothing is decided and the last state holds.
/// The samples live in memory only: after a restart or failover the window fills again from the next results (a
/// few minutes), and the first state it reaches is told again, so an episode open before the restart still ends.
/// </summary>
public sealed class SlowWindow(TimeSpan window, int minSamples)
{
    /// <summary>The most samples kept, whatever the window: a probe checked far more often than scheduled stays small.</summary>
    public const int Capacity = 1000;

    private readonly Queue<(DateTimeOffset At, int Milliseconds)> _samples = new();
    private bool? _slow;

    /// <summary>How far back samples count.</summary>
    public TimeSpan Window => window;

    /// <summary>The fewest answers in the window for a decision.</summary>
    public int MinSamples => minSamples;

    /// <summary>The 95th percentile of the samples in the window as of the last result, if there are any.</summary>
    public int? P95 { get; private set; }

    /// <summary>
    /// Takes a classified result and answers the new state when it changed, or when it is the first state known since
    /// the window was made: true when slow began, false when it ended; null when nothing is to be told.
    /// </summary>
    public bool? Observe(CheckResult result, TimeSpan warning)
    {
        ArgumentNullException.ThrowIfNull(result);
        while (_samples.Count > 0 && (_samples.Peek().At <= result.Timestamp - window || _samples.Count >= Capacity))
        {
            _samples.Dequeue();
        }

        if (result.Status != HealthStatus.Down)
        {
            _samples.Enqueue((result.Timestamp, result.ResponseTimeMs));
        }

        P95 = Percentile95();
        if (_samples.Count < minSamples || P95 is not { } p95)
        {
            return null;
        }

        var slow = p95 >= warning.TotalMilliseconds;
        if (_slow == slow)
        {
            return null;
        }

        _slow = slow;
        return slow;
    }

    private int? Percentile95()
    {
        if (_samples.Count == 0)
        {
            return null;
        }

        var sorted = _samples.Select(sample => sample.Milliseconds).Order().ToList();
        return sorted[(int)Math.Ceiling(0.95 * sorted.Count) - 1];
    }
}
