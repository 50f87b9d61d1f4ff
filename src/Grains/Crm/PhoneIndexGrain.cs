using AmoHub.Grains.Keys;
using AmoHub.Grains.Persistence;

namespace AmoHub.Grains.Crm;

/// <summary>
/// The dedup lock of one phone. Not reentrant: concurrent creates of one phone run one after another, so the
/// first reaches amoCRM and the rest find its contact in our copy. The lock holds no state of its own: our copy
/// (<c>contact_phones</c>) is the truth, so a phone changed in amoCRM is free again as soon as the change is applied.
/// </summary>
public sealed class PhoneIndexGrain(CrmReadModel readModel) : Grain, IPhoneIndexGrain
{
    /// <inheritdoc />
    public async Task<ContactResult> GetOrCreateAsync(string name)
    {
        var key = this.GetPrimaryKeyString();
        var account = GrainKeys.AccountOf(key);
        var phone = key[(key.IndexOf(':', StringComparison.Ordinal) + 1)..];
        if (await readModel.FindContactByPhoneAsync(account, phone) is { } known
            && await GrainFactory.GetGrain<IContactGrain>(GrainKeys.Contact(account, known)).GetAsync() is { } contact
            && contact.Phones.Contains(phone))
        {
            return new ContactResult(contact, Created: false);
        }

        return await GrainFactory.GetGrain<IAccountGrain>(GrainKeys.Account(account)).FindOrCreateContactAsync(phone, name);
    }
}
