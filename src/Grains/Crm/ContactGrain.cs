using AmoHub.Grains.Keys;
using AmoHub.Grains.Persistence;

namespace AmoHub.Grains.Crm;

/// <summary>What a contact grain keeps.</summary>
[GenerateSerializer, Alias("amohub.ContactState")]
public sealed class ContactState
{
    /// <summary>The newest snapshot applied.</summary>
    [Id(0)]
    public ContactSnapshot? Contact { get; set; }

    /// <summary>When amoCRM deleted the contact, if it did.</summary>
    [Id(1)]
    public DateTimeOffset? DeletedAt { get; set; }
}

/// <summary>
/// One amoCRM contact. Snapshots from creates, syncs and webhooks arrive in any order and more than once; the
/// newer <c>updated_at</c> wins (on a tie, only a snapshot read from amoCRM's API replaces the kept one), and a
/// deletion wins over anything not newer than it. State is written before the read model, and both before
/// the caller gets its answer.
/// </summary>
public sealed class ContactGrain(
    [PersistentState("contact", StorageNames.Default)] IPersistentState<ContactState> state,
    CrmReadModel readModel) : Grain, IContactGrain
{
    private string Account => GrainKeys.AccountOf(this.GetPrimaryKeyString());

    /// <inheritdoc />
    public async Task<bool> ApplyAsync(ContactSnapshot snapshot, bool readFromAmoCrm)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var current = state.State;
        if ((current.DeletedAt is { } deletedAt && snapshot.UpdatedAt <= deletedAt)
            || (current.Contact is { } kept && (IsOlder(snapshot.UpdatedAt, kept.UpdatedAt, readFromAmoCrm) || SameContent(kept, snapshot))))
        {
            return false;
        }

        current.Contact = snapshot;
        current.DeletedAt = null;
        await state.WriteStateAsync();
        await readModel.UpsertContactAsync(Account, snapshot);
        return true;
    }

    /// <inheritdoc />
    public async Task DeleteAsync(DateTimeOffset at)
    {
        if (state.State.DeletedAt is { } deletedAt && deletedAt >= at)
        {
            return;
        }

        state.State.DeletedAt = at;
        await state.WriteStateAsync();
        await readModel.DeleteContactAsync(Account, GrainKeys.AmoCrmIdOf(this.GetPrimaryKeyString()));
    }

    /// <inheritdoc />
    public Task<ContactSnapshot?> GetAsync() =>
        Task.FromResult(state.State.DeletedAt is null ? state.State.Contact : null);

    /// <summary>Whether an incoming time loses to the kept one: older always; equal unless read from amoCRM.</summary>
    internal static bool IsOlder(DateTimeOffset incoming, DateTimeOffset kept, bool readFromAmoCrm) =>
        readFromAmoCrm ? incoming < kept : incoming <= kept;

    private static bool SameContent(ContactSnapshot a, ContactSnapshot b) =>
        a.UpdatedAt == b.UpdatedAt && a.Name == b.Name && a.CreatedAt == b.CreatedAt && a.Phones.SequenceEqual(b.Phones);
}
