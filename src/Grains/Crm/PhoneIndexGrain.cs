using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;

namespace AmoHub.Grains.Crm;

/// <summary>
/// The dedup lock of one phone. Not reentrant: concurrent creates of one phone run one after another, so the
/// first reaches amoCRM and the rest find its contact in our copy. The lock stores nothing: our copy
/// (<c>contact_phones</c>) is the truth, so a phone changed in amoCRM is free again as soon as the change is applied.
/// While active it remembers the contact it answered last, and asks that contact grain first, which confirms it
/// still holds the phone; only when it does not is the read model searched.
/// </summary>
public sealed class PhoneIndexGrain(OurCopy ourCopy) : Grain, IPhoneIndexGrain
{
    private long? _answered;

    /// <inheritdoc />
    public async Task<ContactResult> GetOrCreateAsync(string name)
    {
        var key = this.GetPrimaryKeyString();
        var account = GrainKeys.AccountOf(key);
        var phone = key[(key.IndexOf(':', StringComparison.Ordinal) + 1)..];
        var kept = await RememberedAsync(account, phone) ?? await ourCopy.FindContactAsync(account, phone);
        var result = kept is not null
            ? new ContactResult(kept, Created: false)
            : await GrainFactory.GetGrain<IAccountGrain>(GrainKeys.Account(account)).FindOrCreateContactAsync(phone, name);
        _answered = result.Contact.AmoCrmId;
        return result;
    }

    private Task<ContactSnapshot?> RememberedAsync(string account, string phone) =>
        _answered is { } id ? ourCopy.ConfirmContactAsync(account, id, phone) : Task.FromResult<ContactSnapshot?>(null);
}
