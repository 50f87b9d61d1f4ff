using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;

namespace AmoHub.Grains.Crm;

/// <summary>
/// The dedup lock of one phone (<see cref="ContactIndexGrain"/>). A request that brings an email too and whose phone
/// our copy lacks goes on to that email's lock, which looks the phone up in amoCRM before the email, and creates the
/// contact with both; the lock of the phone stays held meanwhile, so no other request of this phone makes a contact.
/// </summary>
public sealed class PhoneIndexGrain(OurCopy ourCopy) : ContactIndexGrain, IPhoneIndexGrain
{
    /// <inheritdoc />
    public Task<ContactResult> GetOrCreateAsync(string name, string? email = null) =>
        AnswerAsync(() => email is null
            ? AmoCrm.FindOrCreateContactAsync(new NewContact(name, Value, null))
            : GrainFactory.GetGrain<IEmailIndexGrain>(GrainKeys.Email(Account, email)).GetOrCreateAsync(name, Value));

    /// <inheritdoc />
    protected override Task<ContactSnapshot?> FindAsync(string account, string value) => ourCopy.FindContactAsync(account, value);

    /// <inheritdoc />
    protected override Task<ContactSnapshot?> ConfirmAsync(string account, long amoCrmId, string value) =>
        ourCopy.ConfirmContactAsync(account, amoCrmId, value);
}
