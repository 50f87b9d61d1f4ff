using System.Collections.Immutable;
using AmoHub.Grains.Interfaces.Crm;

namespace AmoHub.Grains.Crm;

/// <summary>
/// The dedup lock of one email (<see cref="ContactIndexGrain"/>), keyed by the email lower-cased. It is called by
/// requests with only an email, and by a phone's lock for requests with both; it never calls a phone's or a lead's
/// lock, so the locks (a lead's, a phone's, an email's, always in that order) can never wait for each other in a circle.
/// </summary>
public sealed class EmailIndexGrain(OurCopy ourCopy) : ContactIndexGrain, IEmailIndexGrain
{
    /// <inheritdoc />
    public Task<ContactResult> GetOrCreateAsync(string name, string? phone = null, ImmutableArray<ResolvedField> fields = default, NewLead? lead = null) =>
        AnswerAsync(
            contact => phone is null || contact.Phones.Contains(phone),
            () => AmoCrm.FindOrCreateContactAsync(new NewContact(name, phone, Value, fields, lead)));

    /// <inheritdoc />
    protected override Task<ContactSnapshot?> FindAsync(string account, string value) => ourCopy.FindContactByEmailAsync(account, value);

    /// <inheritdoc />
    protected override Task<ContactSnapshot?> ConfirmAsync(string account, long amoCrmId, string value) =>
        ourCopy.ConfirmContactByEmailAsync(account, amoCrmId, value);
}
