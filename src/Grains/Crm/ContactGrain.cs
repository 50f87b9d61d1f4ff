using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Storage;

namespace AmoHub.Grains.Crm;

/// <summary>One amoCRM contact; see <see cref="AmoCrmEntityGrain{TSnapshot}"/> for the ordering rules.</summary>
public sealed class ContactGrain(
    [PersistentState("contact", StorageNames.Default)] IPersistentState<EntityState<ContactSnapshot>> state,
    CrmReadModel readModel,
    AmoCrmClock clock) : AmoCrmEntityGrain<ContactSnapshot>(state, clock), IContactGrain
{
    /// <inheritdoc />
    protected override DateTimeOffset UpdatedAtOf(ContactSnapshot snapshot) => snapshot.UpdatedAt;

    /// <inheritdoc />
    protected override ContactSnapshot WithUpdatedAt(ContactSnapshot snapshot, DateTimeOffset updatedAt) => snapshot with { UpdatedAt = updatedAt };

    /// <inheritdoc />
    protected override DateTimeOffset CreatedAtOf(ContactSnapshot snapshot) => snapshot.CreatedAt;

    /// <inheritdoc />
    protected override bool SameFields(ContactSnapshot kept, ContactSnapshot incoming) =>
        kept.Name == incoming.Name && kept.Phones.SequenceEqual(incoming.Phones) && kept.Emails.SequenceEqual(incoming.Emails);

    /// <inheritdoc />
    protected override Task WriteReadModelAsync(ContactSnapshot snapshot) => readModel.UpsertContactAsync(Account, snapshot);

    /// <inheritdoc />
    protected override Task DeleteFromReadModelAsync() => readModel.DeleteContactAsync(Account, AmoCrmId);
}
