using AmoHub.Grains.Keys;

namespace AmoHub.Grains.Crm;

/// <summary>What a contact or lead grain keeps.</summary>
[GenerateSerializer, Alias("amohub.EntityState")]
public sealed class EntityState<TSnapshot>
    where TSnapshot : class
{
    /// <summary>The newest snapshot applied.</summary>
    [Id(0)]
    public TSnapshot? Snapshot { get; set; }

    /// <summary>When amoCRM deleted the entity, if it did.</summary>
    [Id(1)]
    public DateTimeOffset? DeletedAt { get; set; }
}

/// <summary>
/// One amoCRM entity (contact or lead). Snapshots from creates, syncs and webhooks arrive in any order and more
/// than once; the newer <c>updated_at</c> wins. amoCRM's times have one-second resolution, so on a tie only a
/// snapshot read from amoCRM's API (the current truth) replaces the kept one; a webhook event, which may be a stale
/// duplicate, does not. A deletion wins over anything not newer than it. State is written before the read model,
/// and both before the caller gets its answer.
/// </summary>
public abstract class AmoCrmEntityGrain<TSnapshot>(IPersistentState<EntityState<TSnapshot>> state) : Grain
    where TSnapshot : class
{
    /// <summary>The account the entity belongs to.</summary>
    protected string Account => GrainKeys.AccountOf(this.GetPrimaryKeyString());

    /// <summary>amoCRM's id of the entity.</summary>
    protected long AmoCrmId => GrainKeys.AmoCrmIdOf(this.GetPrimaryKeyString());

    /// <summary>Applies a snapshot unless a newer one is kept; true when it changed something.</summary>
    public async Task<bool> ApplyAsync(TSnapshot snapshot, bool readFromAmoCrm)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var current = state.State;
        var updatedAt = UpdatedAtOf(snapshot);
        if ((current.DeletedAt is { } deletedAt && updatedAt <= deletedAt)
            || (current.Snapshot is { } kept && (Loses(updatedAt, UpdatedAtOf(kept), readFromAmoCrm) || SameContent(kept, snapshot))))
        {
            return false;
        }

        current.Snapshot = snapshot;
        current.DeletedAt = null;
        await state.WriteStateAsync();
        await WriteReadModelAsync(snapshot);
        return true;
    }

    /// <summary>Marks the entity deleted (amoCRM deleted it); later older snapshots are ignored.</summary>
    public async Task DeleteAsync(DateTimeOffset at)
    {
        if (state.State.DeletedAt is { } deletedAt && deletedAt >= at)
        {
            return;
        }

        state.State.DeletedAt = at;
        await state.WriteStateAsync();
        await DeleteFromReadModelAsync();
    }

    /// <summary>The entity, or null when unknown or deleted.</summary>
    public Task<TSnapshot?> GetAsync() =>
        Task.FromResult(state.State.DeletedAt is null ? state.State.Snapshot : null);

    /// <summary>The snapshot's <c>updated_at</c>.</summary>
    protected abstract DateTimeOffset UpdatedAtOf(TSnapshot snapshot);

    /// <summary>Whether two snapshots say the same thing (applying one over the other changes nothing).</summary>
    protected abstract bool SameContent(TSnapshot kept, TSnapshot incoming);

    /// <summary>Upserts the entity's read-model rows.</summary>
    protected abstract Task WriteReadModelAsync(TSnapshot snapshot);

    /// <summary>Removes the entity's read-model rows.</summary>
    protected abstract Task DeleteFromReadModelAsync();

    private static bool Loses(DateTimeOffset incoming, DateTimeOffset kept, bool readFromAmoCrm) =>
        readFromAmoCrm ? incoming < kept : incoming <= kept;
}
