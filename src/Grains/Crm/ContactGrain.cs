using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Storage;

namespace AmoHub.Grains.Crm;

/// <summary>One amoCRM contact; see <see cref="AmoCrmEntityGrain{TSnapshot}"/> for the ordering rules.</summary>
public sealed class ContactGrain(
    [PersistentState("contact", StorageNames.Default)] IPersistentState<EntityState<ContactSnapshot>> state,
    CrmReadModel readModel,
    PhoneNormalizer phones,
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
    /// <remarks>An event without a PHONE (EMAIL) field says nothing of the phones (emails): the known ones stay.</remarks>
    protected override ContactSnapshot FromWebhook(WebhookEvent change, ContactSnapshot? known)
    {
        ArgumentNullException.ThrowIfNull(change);
        var contactPhones = change.HasPhoneField || known is null
            ? [.. change.Phones.Select(p => phones.TryNormalize(p, out var e164) ? e164 : null).OfType<string>().Distinct(StringComparer.Ordinal)]
            : known.Phones;
        var contactEmails = change.HasEmailField || known is null
            ? [.. change.Emails.Select(e => EmailAddresses.TryNormalize(e, out var email) ? email : null).OfType<string>().Distinct(StringComparer.Ordinal)]
            : known.Emails;
        var updatedAt = change.UpdatedAt!.Value;
        return new ContactSnapshot(change.Id, change.Name ?? known?.Name ?? "", contactPhones, change.CreatedAt ?? known?.CreatedAt ?? updatedAt, updatedAt, contactEmails);
    }

    /// <inheritdoc />
    protected override Task WriteReadModelAsync(ContactSnapshot snapshot) => readModel.UpsertContactAsync(Account, snapshot);

    /// <inheritdoc />
    protected override Task DeleteFromReadModelAsync() => readModel.DeleteContactAsync(Account, AmoCrmId);
}
