using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;

namespace AmoHub.Grains.Crm;

/// <summary>
/// The dedup lock of one value a contact is found by: a phone (<see cref="PhoneIndexGrain"/>) or an email
/// (<see cref="EmailIndexGrain"/>), the value being the part of the key after <c>phone:</c> or <c>email:</c>. Not
/// reentrant: concurrent creates of one value run one after another, so the first reaches amoCRM and the rest find its
/// contact in our copy. The lock stores nothing: our copy (<c>contact_phones</c>, <c>contact_emails</c>) is the truth,
/// so a value changed in amoCRM is free again as soon as the change is applied. While active it remembers the contact
/// it answered last, and asks that contact grain first, which confirms it still holds the value; only when it does not
/// is the read model searched.
/// </summary>
public abstract class ContactIndexGrain : Grain
{
    private long? _answered;

    /// <summary>The account the value belongs to.</summary>
    protected string Account => GrainKeys.AccountOf(this.GetPrimaryKeyString());

    /// <summary>The phone or email this lock is for.</summary>
    protected string Value
    {
        get
        {
            var key = this.GetPrimaryKeyString();
            return key[(key.IndexOf(':', StringComparison.Ordinal) + 1)..];
        }
    }

    /// <summary>The account grain, which finds in amoCRM and creates there.</summary>
    protected IAccountGrain AmoCrm => GrainFactory.GetGrain<IAccountGrain>(GrainKeys.Account(Account));

    /// <summary>
    /// The contact we keep with the value when it is <paramref name="whole"/> for the request (holds the other value the
    /// request brings); else what <paramref name="otherwise"/> answers.
    /// </summary>
    protected async Task<ContactResult> AnswerAsync(Func<ContactSnapshot, bool> whole, Func<Task<ContactResult>> otherwise)
    {
        ArgumentNullException.ThrowIfNull(whole);
        ArgumentNullException.ThrowIfNull(otherwise);
        var account = Account;
        var value = Value;
        var kept = (_answered is { } id ? await ConfirmAsync(account, id, value) : null) ?? await FindAsync(account, value);
        var result = kept is not null && whole(kept) ? new ContactResult(kept, Created: false) : await otherwise();
        _answered = result.Contact.AmoCrmId;
        return result;
    }

    /// <summary>The contact our copy holds the value for, if any.</summary>
    protected abstract Task<ContactSnapshot?> FindAsync(string account, string value);

    /// <summary>Contact <paramref name="amoCrmId"/>, if we keep it and it still holds the value.</summary>
    protected abstract Task<ContactSnapshot?> ConfirmAsync(string account, long amoCrmId, string value);
}
