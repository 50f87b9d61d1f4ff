using AmoHub.Grains.Keys;

namespace AmoHub.Grains.Crm;

/// <summary>
/// The dedup lock of one phone. Not reentrant: concurrent creates of one phone run one after another, so the
/// first reaches amoCRM and the rest find its contact in our copy. The lock holds no state of its own: our copy
/// (<c>contact_phones</c>) is the truth, so a phone changed in amoCRM is free again as soon as the change is applied.
/// </summary>
public sealed class PhoneIndexGrain(OurCopy ourCopy) : Grain, IPhoneIndexGrain
{
    /// <inheritdoc />
    public async Task<ContactResult> GetOrCreateAsync(string name)
    {
        var key = this.GetPrimaryKeyString();
        var account = GrainKeys.AccountOf(key);
        var phone = key[(key.IndexOf(':', StringComparison.Ordinal) + 1)..];
        return await ourCopy.FindContactAsync(account, phone) is { } contact
            ? new ContactResult(contact, Created: false)
            : await GrainFactory.GetGrain<IAccountGrain>(GrainKeys.Account(account)).FindOrCreateContactAsync(phone, name);
    }
}
