using AmoHub.Grains.Crm;
using AmoHub.Grains.Interfaces.Crm;

namespace AmoHub.Grains.AmoCrm;

/// <summary>What the sync needs of a contact or lead as amoCRM lists it.</summary>
public interface IAmoEntity
{
    /// <summary>amoCRM's id.</summary>
    long Id { get; }

    /// <summary>amoCRM's <c>updated_at</c>, Unix seconds.</summary>
    long UpdatedAt { get; }

    /// <summary>Whether amoCRM lists it as deleted.</summary>
    bool IsDeleted { get; }
}

/// <summary>Where a sync of one kind of entity stands: whether the first full one ran, and from when the next reads.</summary>
/// <param name="Synced">Whether the first full sync ran.</param>
/// <param name="Cursor">Entities changed at or after this amoCRM time (Unix seconds) are read by the next sync.</param>
public readonly record struct SyncCursor(bool Synced, long Cursor);

/// <summary>One page of a list as amoCRM served it, and whether its <c>_links.next</c> says another follows.</summary>
public sealed record SyncPage<TEntity>(IReadOnlyList<TEntity> Entities, bool HasNext);

/// <summary>
/// One sync of our copy with amoCRM for one kind of entity, contacts or leads alike: reads every page changed since
/// the cursor, for as long as amoCRM's <c>_links.next</c> says another follows (a page may hold fewer than asked), applies each entity (an entity that keeps failing is set aside by <see cref="CrmDeadLetters"/>), and
/// moves the cursor to the newest time it read, but never past an entity kept for another try, nor past now.
/// </summary>
public sealed class EntitySync<TEntity>(
    WebhookEntity kind,
    Func<string> account,
    Func<int, long?, Task<SyncPage<TEntity>>> readPage,
    Func<TEntity, Task> apply,
    Func<SyncCursor> cursor,
    Func<SyncCursor, Task> moveCursor,
    CrmDeadLetters deadLetters,
    TimeProvider time)
    where TEntity : IAmoEntity
{
    /// <summary>Entities per list page (amoCRM's largest).</summary>
    public const int PageSize = 250;

    /// <summary>Runs one sync; the position is stored after every page, so a sync cut short goes on from there.</summary>
    public async Task RunAsync()
    {
        var start = cursor();
        // A first import cut short (not synced, but a position stored) goes on from its position, not from the start.
        var from = start.Synced || start.Cursor > 0 ? start.Cursor : (long?)null;
        var newest = start.Cursor;
        var heldBack = long.MaxValue;
        var stored = start.Cursor;
        for (var page = 1; ; page++)
        {
            var (entities, hasNext) = await readPage(page, from);
            var done = await Task.WhenAll(entities.Select(entity =>
                deadLetters.ApplyOrSetAsideAsync(account(), "sync", kind, entity.Id, () => apply(entity))));
            newest = entities.Select(e => e.UpdatedAt).Append(newest).Max();
            heldBack = entities.Where((_, i) => !done[i]).Select(e => e.UpdatedAt - 1).Append(heldBack).Min();
            if (!hasNext || entities.Count == 0)
            {
                break;
            }

            // Pages come oldest change first, so everything before the newest time read is in: a restart reads on from
            // there (the entities of that very second again, which is harmless), not the whole account once more.
            var reached = Reached(newest, heldBack, start.Cursor);
            if (reached != stored)
            {
                await moveCursor(new SyncCursor(start.Synced, reached));
                stored = reached;
            }
        }

        var end = Reached(newest, heldBack, start.Cursor);
        if (!start.Synced || end != start.Cursor)
        {
            await moveCursor(new SyncCursor(true, end));
        }
    }

    /// <summary>
    /// How far the cursor may move: to the newest time read, but never past an entity kept for another try (it is read
    /// again next time), nor past now (whatever time an entity claims, or a sync from there would miss every change
    /// until then), nor back.
    /// </summary>
    private long Reached(long newest, long heldBack, long start) =>
        Math.Max(Math.Min(Math.Min(newest, heldBack), time.GetUtcNow().ToUnixTimeSeconds()), start);
}
