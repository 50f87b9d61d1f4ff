using AmoHub.Grains.Interfaces.Crm;

namespace AmoHub.Grains.AmoCrm;

/// <summary>
/// Collects concurrent "find or create" requests of one account and serves them in cycles: one sync of our copy
/// with amoCRM, a lookup of every requested key (in our copy, and while the first import has not ended, in amoCRM
/// too), then creates in batches for the keys still missing. A cycle starts once amoCRM's budget has room for its first request; callers arriving while it waits
/// join it, so under load each request spent on amoCRM serves as many callers as possible. A cycle that fails
/// with a transient amoCRM error runs again from the sync, so entities a failed create did make are found instead
/// of made twice. Runs inside one grain activation, so it needs no locks.
/// </summary>
public sealed class DedupCreatePump<TItem, TSnapshot>(
    Func<TItem, string> keyOf,
    Func<Task> roomAsync,
    Func<Task<bool>> syncAsync,
    Func<TItem, bool, Task<TSnapshot?>> findAsync,
    Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TSnapshot>>> createAsync,
    AmoCrmSettings settings,
    Func<int, Task> backOffAsync)
    where TSnapshot : class
{
    /// <summary>Lookups run side by side: enough to keep amoCRM's budget busy when they go there, few enough for the database.</summary>
    private const int LookupsAtOnce = 16;

    private readonly List<Pending> _pending = [];
    private Task? _running;

    /// <summary>Queues a request; the task ends with the entity and whether this request created it.</summary>
    public Task<(TSnapshot Snapshot, bool Created)> EnqueueAsync(TItem item)
    {
        var pending = new Pending(item, keyOf(item));
        _pending.Add(pending);
        if (_running is null || _running.IsCompleted)
        {
            _running = RunAsync();
        }

        return pending.Completion.Task;
    }

    private async Task RunAsync()
    {
        while (_pending.Count > 0)
        {
            await roomAsync();
            var cycle = _pending.Take(settings.MaxPerCycle).ToList();
            _pending.RemoveRange(0, cycle.Count);
            await RunCycleAsync(cycle);
        }
    }

    private async Task RunCycleAsync(List<Pending> cycle)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Whether our copy holds everything: until the first import ends, a key it lacks is asked of amoCRM.
                var complete = await syncAsync();
                var groups = cycle.Where(p => !p.Completion.Task.IsCompleted).GroupBy(p => p.Key, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
                var found = new List<TSnapshot?>(groups.Count);
                foreach (var chunk in groups.Chunk(LookupsAtOnce))
                {
                    found.AddRange(await Task.WhenAll(chunk.Select(group => findAsync(group[0].Item, complete))));
                }

                var missing = new List<List<Pending>>();
                for (var i = 0; i < groups.Count; i++)
                {
                    if (found[i] is { } entity)
                    {
                        groups[i].ForEach(p => p.Completion.TrySetResult((entity, false)));
                    }
                    else
                    {
                        missing.Add(groups[i]);
                    }
                }

                foreach (var batch in missing.Chunk(BatchSize(missing.Count)))
                {
                    var created = await createAsync(batch.Select(group => group[0].Item).ToList());
                    for (var i = 0; i < batch.Length; i++)
                    {
                        for (var j = 0; j < batch[i].Count; j++)
                        {
                            batch[i][j].Completion.TrySetResult((created[i], j == 0));
                        }
                    }
                }

                return;
            }
            catch (AmoCrmException exception) when (exception.IsTransient && attempt < settings.MaxAttempts)
            {
                await backOffAsync(attempt);
            }
            catch (Exception exception)
            {
                cycle.ForEach(p => p.Completion.TrySetException(exception));
                return;
            }
        }
    }

    /// <summary>
    /// Entities per create request for a cycle with <paramref name="missing"/> to create: the configured batch while
    /// the cycle's creates fit in one second of budget beside a sync request; beyond that, as few requests as amoCRM's
    /// limit allows, evenly filled. A quiet account keeps the recommended 50; a burst of new contacts is not held to
    /// 50 a request, which would leave the budget, not the caller, deciding how fast contacts are made (the next
    /// sync reads every created contact back, a page per 250, so the budget left for creates is smaller still).
    /// </summary>
    private int BatchSize(int missing)
    {
        var createsPerSecond = Math.Max(1, settings.RequestsPerSecond - 1);
        if (missing <= createsPerSecond * settings.CreateBatchSize)
        {
            return settings.CreateBatchSize;
        }

        var requests = (missing + AmoCrmSettings.MaxCreateBatchSize - 1) / AmoCrmSettings.MaxCreateBatchSize;
        return (missing + requests - 1) / requests;
    }

    private sealed record Pending(TItem Item, string Key)
    {
        public TaskCompletionSource<(TSnapshot, bool)> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
