using System.Collections.Immutable;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;

namespace AmoHub.Grains.Crm;

/// <summary>
/// The dedup lock of one phone (<see cref="ContactIndexGrain"/>). A request that brings an email too, and whose phone
/// our copy lacks or holds on a contact without that email, goes on to that email's lock, which looks both up, adds
/// the value the contact found lacks, or creates the contact with both; the lock of the phone stays held meanwhile, so
/// no other request of this phone makes or changes a contact.
/// </summary>
public sealed class PhoneIndexGrain(OurCopy ourCopy) : ContactIndexGrain, IPhoneIndexGrain
{
    /// <inheritdoc />
    public Task<ContactResult> GetOrCreateAsync(string name, string? email = null, ImmutableArray<ResolvedField> fields = default, NewLead? lead = null) =>
        AnswerAsync(
            contact => email is null || contact.Emails.Contains(email),
            () => email is null
                ? AmoCrm.FindOrCreateContactAsync(new NewContact(name, Value, null, fields, lead))
                : GrainFactory.GetGrain<IEmailIndexGrain>(GrainKeys.Email(Account, email)).GetOrCreateAsync(name, Value, fields, lead));

    /// <inheritdoc />
    protected override Task<ContactSnapshot?> FindAsync(string account, string value) => ourCopy.FindContactAsync(account, value);

    /// <inheritdoc />
    protected override Task<ContactSnapshot?> ConfirmAsync(string account, long amoCrmId, string value) =>
        ourCopy.ConfirmContactAsync(account, amoCrmId, value);
}
