



namespace AmoHub.Grains.AmoCrm;

/// <summary>
/// Paces an account's requests so that amoCRM never sees more than <c>perSecond</c> of them arrive within any
/// one-second window, however late a request travels: a request holds its slot until its answer is in, and a new
/// request may start only once one of the last <c>perSecond</c> requests was answered more than a second (plus a
/// margin) ago. A request arrives between its start and its answer, so the arrivals of any <c>perSecond + 1</c>
/// requests span more than a second even when a loaded machine delays sends unevenly. Used from inside one grain
/// activation; the lock is for <see cref="InLastSecond"/>, which metrics read from other threads.
/// </summary>
public sealed class RequestBudget(int perSecond, TimeSpan margin, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly Queue<Slot> _slots = new();
    private readonly Lock _lock = new();

    /// <summary>The configured limit.</summary>
    public int PerSecond => perSecond;

    /// <summary>Requests in flight or answered within the last second.</summary>
    public int InLastSecond
    {
        get
        {
            var since = time.GetUtcNow() - Window;
            lock (_lock)
            {
                return _slots.Count(slot => slot.AnsweredAt is not { } answered || answered > since);
            }
        }
    }

    /// <summary>Waits until a request may start without breaking the budget; dispose the slot when its answer is in.</summary>
    public async Task<IDisposable> WaitAsync(CancellationToken cancellationToken) =>
        (await WaitCoreAsync(take: true, cancellationToken))!;

    /// <summary>
    /// Waits until a request could start without breaking the budget, and takes nothing: for work that gathers
    /// what to send while the budget is full, then sends it all at once.
    /// </summary>
    public Task WaitForRoomAsync(CancellationToken cancellationToken) => WaitCoreAsync(take: false, cancellationToken);

    private async Task<Slot?> WaitCoreAsync(bool take, CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = time.GetUtcNow();
            Slot oldest;
            lock (_lock)
            {
                while (_slots.Count > 0 && _slots.Peek().AnsweredAt is { } answered && answered <= now - Window - margin)
                {
                    _slots.Dequeue();
                }

                if (_slots.Count < perSecond)
                {
                    if (!take)
                    {
                        return null;
                    }

                    var slot = new Slot(time);
                    _slots.Enqueue(slot);
                    return slot;
                }

                oldest = _slots.Peek();
            }

            if (oldest.AnsweredAt is { } done)
            {
                var wait = done + Window + margin - now;
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), time, cancellationToken);
            }
            else
            {
                await oldest.Answered.WaitAsync(cancellationToken);
            }
        }
    }

    private sealed class Slot(TimeProvider time) : IDisposable
    {
        private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public DateTimeOffset? AnsweredAt { get; private set; }

        public Task Answered => _answered.Task;

        public void Dispose()
        {
            if (AnsweredAt is null)
            {
                AnsweredAt = time.GetUtcNow();
                _answered.TrySetResult();
            }
        }
    }
}
