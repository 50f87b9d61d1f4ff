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
/// One sync of our copy with amoCRM for one kind of entity, contacts or leads alike: reads every entity changed since
/// the cursor, oldest change first, for as long as amoCRM's <c>_links.next</c> says more follow (a page may hold fewer
/// than asked), applies each entity (an entity that keeps failing is set aside by <see cref="CrmDeadLetters"/>), and
/// moves the cursor to the newest time it read, but never past an entity kept for another try, nor past now.
/// </summary>
/// <remarks>
/// Pages are keyed by time, not numbered: after a page the next read asks again for page 1 from the newest time read.
/// Numbered pages of a list that changes meanwhile shift under the reader (an entity changed mid-import moves to the
/// end, and the one behind it slips into a page already read, never to be seen); a time key cannot skip anything, at
/// the cost of reading the entities of the boundary second twice. Only a page whose entities all changed within the
/// second it started from is followed by number, since a time key could not move past it.
/// </remarks>
public sealed class EntitySync<TEntity>(
    WebhookEntity kind,
    Func<string> account,
    Func<int, long?, Task<SyncPage<TEntity>>> readPage,
    Func<TEntity, Task> apply,
    Func<SyncCursor> cursor,
    Func<SyncCursor, Task> moveCursor,
    ImportTracker import,
    CrmDeadLetters deadLetters,
    TimeProvider time)
    where TEntity : IAmoEntity
{
    /// <summary>Entities per list page (amoCRM's largest).</summary>
    public const int PageSize = 250;

    /// <summary>Whether the first full sync (the import) has ended.</summary>
    public bool Imported => cursor().Synced;

    /// <summary>Where a run that stopped at its page limit left off, for the next run to go on from.</summary>
    private (long From, int Page, HashSet<long> Boundary)? _carry;

    /// <summary>Runs one sync; the position is stored after every page, so a sync cut short goes on from there.</summary>
    public Task RunAsync() => RunAsync(int.MaxValue);

    /// <summary>
    /// Runs a sync of at most <paramref name="maxPages"/> pages; the next run goes on from where it stopped. The
    /// import runs a page at a time, so that other work of the account can take turns with it.
    /// </summary>
    public async Task RunAsync(int maxPages)
    {
        var start = cursor();
        // A first import cut short (not synced, but a position stored) goes on from its position, not from the start.
        var from = start.Synced || start.Cursor > 0 ? start.Cursor : (long?)null;
        var newest = start.Cursor;
        var heldBack = long.MaxValue;
        var stored = start.Cursor;
        // The entities of the newest second read so far: the next page starts at that second and serves them again.
        // They are applied again (amoCRM's times have one-second resolution, so one may have changed within that
        // second), but not counted again.
        var boundary = new HashSet<long>();
        var page = 1;
        if (_carry is { } carry && carry.From == from)
        {
            (page, boundary) = (carry.Page, carry.Boundary);
        }

        _carry = null;
        for (var pages = 1; ; pages++)
        {
            var (entities, hasNext) = await readPage(page, from);
            var done = await Task.WhenAll(entities.Select(entity =>
                deadLetters.ApplyOrSetAsideAsync(account(), "sync", kind, entity.Id, () => apply(entity))));
            var newestInPage = entities.Select(e => e.UpdatedAt).DefaultIfEmpty(newest).Max();
            newest = Math.Max(newest, newestInPage);
            heldBack = entities.Where((_, i) => !done[i]).Select(e => e.UpdatedAt - 1).Append(heldBack).Min();
            if (!start.Synced)
            {
                import.Read(entities.Count(e => !boundary.Contains(e.Id)), entities.Select(e => e.UpdatedAt).DefaultIfEmpty(0).Min());
            }

            if (!hasNext || entities.Count == 0)
            {
                break;
            }

            if (from is { } key && newestInPage <= key)
            {
                page++;
            }
            else
            {
                (from, page) = (newestInPage, 1);
                boundary.Clear();
            }

            boundary.UnionWith(entities.Where(e => e.UpdatedAt == newestInPage).Select(e => e.Id));

            // Pages come oldest change first, so everything before the newest time read is in: a restart reads on from
            // there (the entities of that very second again, which is harmless), not the whole account once more.
            var reached = Reached(newest, heldBack, start.Cursor);
            if (reached != stored || !start.Synced)
            {
                await moveCursor(new SyncCursor(start.Synced, reached));
                stored = reached;
            }

            if (pages >= maxPages)
            {
                _carry = (from!.Value, page, boundary);
                return;
            }
        }

        var end = Reached(newest, heldBack, start.Cursor);
        if (!start.Synced || end != start.Cursor)
        {
            await moveCursor(new SyncCursor(true, end));
        }

        if (!start.Synced)
        {
            import.Complete();
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
