namespace AmoHub.Grains.AmoCrm;

/// <summary>
/// Paces an account's requests so that amoCRM never sees more than <c>perSecond</c> of them start within any
/// one-second window (plus a safety margin for network jitter). Used from inside one grain activation, so it
/// needs no locks: a caller reserves the next free slot and waits until it comes.
/// </summary>
public sealed class RequestBudget(int perSecond, TimeSpan margin, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly Queue<DateTimeOffset> _slots = new();

    /// <summary>The configured limit.</summary>
    public int PerSecond => perSecond;

    /// <summary>Requests started (or reserved to start) within the last second.</summary>
    public int InLastSecond
    {
        get
        {
            var since = time.GetUtcNow() - Window;
            return _slots.Count(slot => slot > since);
        }
    }

    /// <summary>Waits until a request may start without breaking the budget.</summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        while (_slots.Count > 0 && _slots.Peek() <= now - Window - margin)
        {
            _slots.Dequeue();
        }

        var slot = now;
        if (_slots.Count >= perSecond)
        {
            var blocking = _slots.ElementAt(_slots.Count - perSecond);
            var earliest = blocking + Window + margin;
            if (earliest > slot)
            {
                slot = earliest;
            }
        }

        _slots.Enqueue(slot);
        var delay = slot - now;
        return delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, time, cancellationToken);
    }
}
