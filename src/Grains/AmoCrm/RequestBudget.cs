namespace AmoHub.Grains.AmoCrm;

/// <summary>
/// Paces an account's requests so that amoCRM never sees more than <c>perSecond</c> of them start within any
/// one-second window, plus a safety margin for network jitter. A request's start is recorded when it really
/// goes, not when it was scheduled, so a caller whose wake-up came late cannot bunch up with the next ones.
/// Used from inside one grain activation, so it needs no locks.
/// </summary>
public sealed class RequestBudget(int perSecond, TimeSpan margin, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly Queue<DateTimeOffset> _starts = new();

    /// <summary>The configured limit.</summary>
    public int PerSecond => perSecond;

    /// <summary>Requests started within the last second.</summary>
    public int InLastSecond
    {
        get
        {
            var since = time.GetUtcNow() - Window;
            return _starts.Count(start => start > since);
        }
    }

    /// <summary>Waits until a request may start without breaking the budget, and records its start.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = time.GetUtcNow();
            while (_starts.Count > 0 && _starts.Peek() <= now - Window - margin)
            {
                _starts.Dequeue();
            }

            if (_starts.Count < perSecond)
            {
                _starts.Enqueue(now);
                return;
            }

            var wait = _starts.Peek() + Window + margin - now;
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), time, cancellationToken);
        }
    }
}
