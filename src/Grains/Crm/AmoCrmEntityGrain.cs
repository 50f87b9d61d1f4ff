using System.Collections.Immutable;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;

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
/// than once; the newer <c>updated_at</c> wins (a time far ahead of now is not believed: <see cref="AmoCrmClock"/>).
/// amoCRM's times have one-second resolution, so on a tie only a snapshot read from amoCRM's API (the current truth)
/// replaces the kept one; a webhook event, which may be a stale duplicate, does not. A deletion wins over any webhook
/// event, whatever its time (amoCRM's clock and AmoHub's need not agree, and a deleted entity changes no more): only
/// amoCRM's API, reading the entity live and newer than the deletion, brings it back.
/// <para>
/// An entity AmoHub creates is kept from the create's answer, stamped by AmoHub's clock (amoCRM answers a create with
/// ids only). amoCRM's own record of that first version (its <c>updated_at</c> equal to its <c>created_at</c>) comes
/// back with the next sync and the creation's webhook event; with the same fields it is the version already kept, and
/// is not written again: only its times differ. Ordering does not suffer: every other version of the entity is newer
/// than its first, amoCRM stamps none of them before the creation, and AmoHub's stamp, a second before the create
/// answered, is no later than amoCRM's while the two clocks agree: a change that wins over amoCRM's stamp wins over it.
/// </para>
/// <para>
/// The read model is written before the state, and both before the caller gets its answer. A change the state
/// holds is a no-op when it comes again, so the state must never get ahead of the read model: a silo killed between
/// the two writes, or a state write that fails, leaves the state behind, and the retry of the change (the inbox
/// applies it again, a sync reads it again) writes both. After a failed state write the activation goes, so the
/// next one starts from what storage holds rather than from a change it never stored.
/// </para>
/// </summary>
public abstract class AmoCrmEntityGrain<TSnapshot>(IPersistentState<EntityState<TSnapshot>> state, AmoCrmClock clock) : Grain
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
        if (clock.IsAhead(updatedAt, Account, AmoCrmId))
        {
            if (!readFromAmoCrm)
            {
                return false;
            }

            updatedAt = clock.Now;
            snapshot = WithUpdatedAt(snapshot, updatedAt);
        }

        if ((current.DeletedAt is { } deletedAt && (!readFromAmoCrm || updatedAt <= deletedAt))
            || (current.Snapshot is { } kept
                && AlreadyHeld(kept, snapshot, updatedAt, readFromAmoCrm)))
        {
            return false;
        }

        await WriteReadModelAsync(snapshot);
        current.Snapshot = snapshot;
        current.DeletedAt = null;
        await WriteStateAsync();
        return true;
    }

    /// <summary>Marks the entity deleted (amoCRM deleted it); later older snapshots are ignored.</summary>
    public async Task DeleteAsync(DateTimeOffset at)
    {
        if (clock.IsAhead(at, Account, AmoCrmId))
        {
            at = clock.Now;
        }

        if (state.State.DeletedAt is { } deletedAt && deletedAt >= at)
        {
            return;
        }

        await DeleteFromReadModelAsync();
        state.State.DeletedAt = at;
        await WriteStateAsync();
    }

    /// <summary>
    /// Applies webhook events about this entity in the order given, each as <see cref="ApplyAsync"/> (for a webhook
    /// event) or <see cref="DeleteAsync"/> would, with one read-model write and one state write for all of them: what
    /// they end with is what applying them one by one ends with. Each event's <c>UpdatedAt</c> must be set. True when
    /// they changed something.
    /// </summary>
    public async Task<bool> ApplyWebhookEventsAsync(ImmutableArray<WebhookEvent> changes)
    {
        var snapshot = state.State.Snapshot;
        var deletedAt = state.State.DeletedAt;
        var changed = false;
        foreach (var change in changes)
        {
            var at = change.UpdatedAt ?? throw new ArgumentException("Every event needs its updated_at.", nameof(changes));
            if (change.Action == WebhookAction.Delete)
            {
                at = clock.IsAhead(at, Account, AmoCrmId) ? clock.Now : at;
                if (deletedAt is null || deletedAt < at)
                {
                    deletedAt = at;
                    changed = true;
                }

                continue;
            }

            if (deletedAt is not null || clock.IsAhead(at, Account, AmoCrmId))
            {
                continue;
            }

            var incoming = FromWebhook(change, snapshot);
            if (snapshot is null
                || !AlreadyHeld(snapshot, incoming, at, readFromAmoCrm: false))
            {
                snapshot = incoming;
                changed = true;
            }
        }

        if (!changed)
        {
            return false;
        }

        if (deletedAt is null)
        {
            await WriteReadModelAsync(snapshot!);
        }
        else
        {
            await DeleteFromReadModelAsync();
        }

        state.State.Snapshot = snapshot;
        state.State.DeletedAt = deletedAt;
        await WriteStateAsync();
        return true;
    }

    /// <summary>The entity, or null when unknown or deleted.</summary>
    public Task<TSnapshot?> GetAsync() =>
        Task.FromResult(state.State.DeletedAt is null ? state.State.Snapshot : null);

    /// <summary>The snapshot's <c>updated_at</c>.</summary>
    protected abstract DateTimeOffset UpdatedAtOf(TSnapshot snapshot);

    /// <summary>The snapshot with another <c>updated_at</c>.</summary>
    protected abstract TSnapshot WithUpdatedAt(TSnapshot snapshot, DateTimeOffset updatedAt);

    /// <summary>The snapshot's <c>created_at</c>.</summary>
    protected abstract DateTimeOffset CreatedAtOf(TSnapshot snapshot);

    /// <summary>Whether two snapshots hold the same fields, their times aside.</summary>
    protected abstract bool SameFields(TSnapshot kept, TSnapshot incoming);

    /// <summary>
    /// The snapshot a webhook event (its <c>UpdatedAt</c> set) describes: what the event does not say is taken from
    /// <paramref name="known"/>, the snapshot kept before it.
    /// </summary>
    protected abstract TSnapshot FromWebhook(WebhookEvent change, TSnapshot? known);

    /// <summary>Upserts the entity's read-model rows.</summary>
    protected abstract Task WriteReadModelAsync(TSnapshot snapshot);

    /// <summary>Removes the entity's read-model rows.</summary>
    protected abstract Task DeleteFromReadModelAsync();

    private async Task WriteStateAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception)
        {
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>
    /// Whether applying <paramref name="incoming"/> (of time <paramref name="updatedAt"/>) over <paramref name="kept"/>
    /// would write nothing new: it is older, it says the same, or it is amoCRM's record of the first version kept. The
    /// one rule of both the single apply and the webhook batch.
    /// </summary>
    private bool AlreadyHeld(TSnapshot kept, TSnapshot incoming, DateTimeOffset updatedAt, bool readFromAmoCrm) =>
        Loses(updatedAt, UpdatedAtOf(kept), readFromAmoCrm) || SameContent(kept, incoming) || SameFirstVersion(kept, incoming);

    /// <summary>Whether two snapshots say the same thing (applying one over the other changes nothing).</summary>
    private bool SameContent(TSnapshot kept, TSnapshot incoming) =>
        UpdatedAtOf(kept) == UpdatedAtOf(incoming) && CreatedAtOf(kept) == CreatedAtOf(incoming) && SameFields(kept, incoming);

    /// <summary>
    /// Whether both are the entity's first version with the same fields, whoever stamped them: the one AmoHub kept from
    /// its create and amoCRM's record of it.
    /// </summary>
    private bool SameFirstVersion(TSnapshot kept, TSnapshot incoming) =>
        IsFirstVersion(kept) && IsFirstVersion(incoming) && SameFields(kept, incoming);

    private bool IsFirstVersion(TSnapshot snapshot) => UpdatedAtOf(snapshot) == CreatedAtOf(snapshot);

    private static bool Loses(DateTimeOffset incoming, DateTimeOffset kept, bool readFromAmoCrm) =>
        readFromAmoCrm ? incoming < kept : incoming <= kept;
}
