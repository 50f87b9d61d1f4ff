




namespace AmoHub.ServiceDefaults.Storage;

/// <summary>Which line a writer waits in for its turn.</summary>
public enum WritePriority
{
    /// <summary>Background work: probe results, the read model, grain state.</summary>
    Normal,

    /// <summary>Someone outside waits on this write within a deadline (amoCRM gives a webhook answer 2 s); served first.</summary>
    Urgent,
}

/// <summary>
/// One writer at a time, in two lines: a finished writer hands the turn to the longest-waiting urgent writer, else
/// to the longest-waiting normal one. Waiting holds no thread; a waiter that gives up leaves its line.
/// </summary>
public sealed class WriteTurns
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource<IDisposable>> _urgent = new();
    private readonly LinkedList<TaskCompletionSource<IDisposable>> _normal = new();
    private bool _taken;

    /// <summary>Waits for the turn; disposing the result passes it on.</summary>
    public Task<IDisposable> WaitAsync(WritePriority priority, CancellationToken cancellationToken)
    {
        LinkedListNode<TaskCompletionSource<IDisposable>> node;
        lock (_lock)
        {
            if (!_taken)
            {
                _taken = true;
                return Task.FromResult<IDisposable>(new Turn(this));
            }

            var line = priority == WritePriority.Urgent ? _urgent : _normal;
            node = line.AddLast(new TaskCompletionSource<IDisposable>(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() => GiveUp(node, cancellationToken));
            node.Value.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return node.Value.Task;
    }

    private void GiveUp(LinkedListNode<TaskCompletionSource<IDisposable>> node, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (node.List is null)
            {
                return;
            }

            node.List.Remove(node);
        }

        node.Value.TrySetCanceled(cancellationToken);
    }

    private void Pass()
    {
        TaskCompletionSource<IDisposable> next;
        lock (_lock)
        {
            var line = _urgent.Count > 0 ? _urgent : _normal;
            if (line.First is not { } first)
            {
                _taken = false;
                return;
            }

            line.RemoveFirst();
            next = first.Value;
        }

        next.SetResult(new Turn(this));
    }

    private sealed class Turn(WriteTurns turns) : IDisposable
    {
        private WriteTurns? _turns = turns;

        public void Dispose() => Interlocked.Exchange(ref _turns, null)?.Pass();
    }
}
