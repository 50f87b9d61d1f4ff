namespace AmoHub.Grains.Crm;

/// <summary>
/// Brings a grain's failed pass back sooner than its reminder would: 5 s after the first failure, then twice as long
/// after each further one, up to a minute, so an outage is not hammered and its end is noticed within a minute. A
/// pass that succeeds starts the count over. Single-threaded use (a grain).
/// </summary>
public sealed class RetryBackoff(IGrainBase grain, Action retry)
{
    private int _failures;
    private IGrainTimer? _timer;

    /// <summary>The wait after the <paramref name="failures"/>-th failure in a row.</summary>
    public static TimeSpan Delay(int failures) => TimeSpan.FromSeconds(Math.Min(5 * Math.Pow(2, failures - 1), 60));

    /// <summary>A pass failed: the next one comes after the wait.</summary>
    public void Failed()
    {
        _failures++;
        _timer?.Dispose();
        _timer = grain.RegisterGrainTimer(() =>
        {
            retry();
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions(Delay(_failures), Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    /// <summary>A pass succeeded: the next failure waits 5 s again.</summary>
    public void Succeeded() => _failures = 0;
}
