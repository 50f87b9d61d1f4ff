namespace AmoHub.Grains.Crm;

/// <summary>
/// Group commit for writes of many callers: items that arrive while a group is being written wait and go together
/// in the next call of the write (one transaction for all of them), and each caller returns once its own item is
/// stored. When a group fails, each of its items is written again alone, so an item that fails for a reason of its
/// own (a row the engine refuses) fails only its own caller.
/// </summary>
internal sealed class GroupedWrites<T>(Func<IReadOnlyList<T>, Task> write)
{
    private readonly Lock _lock = new();
    private List<(T Item, TaskCompletionSource Stored)> _waiting = [];
    private bool _writing;

    /// <summary>Writes <paramref name="item"/> with whatever else is waiting; completes when it is stored.</summary>
    public Task WriteAsync(T item)
    {
        var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiting.Add((item, stored));
            if (_writing)
            {
                return stored.Task;
            }

            _writing = true;
        }

        // Off the caller's scheduler (a grain's): the groups are written by whoever started them, for every caller.
        _ = Task.Run(WriteGroupsAsync);
        return stored.Task;
    }

    private async Task WriteGroupsAsync()
    {
        while (true)
        {
            List<(T Item, TaskCompletionSource Stored)> group;
            lock (_lock)
            {
                if (_waiting.Count == 0)
                {
                    _writing = false;
                    return;
                }

                group = _waiting;
                _waiting = [];
            }

            try
            {
                await write([.. group.Select(g => g.Item)]);
                group.ForEach(g => g.Stored.SetResult());
            }
            catch (Exception) when (group.Count > 1)
            {
                foreach (var (item, stored) in group)
                {
                    await WriteAloneAsync(item, stored);
                }
            }
            catch (Exception exception)
            {
                group[0].Stored.SetException(exception);
            }
        }
    }

    private async Task WriteAloneAsync(T item, TaskCompletionSource stored)
    {
        try
        {
            await write([item]);
            stored.SetResult();
        }
        catch (Exception exception)
        {
            stored.SetException(exception);
        }
    }
}
