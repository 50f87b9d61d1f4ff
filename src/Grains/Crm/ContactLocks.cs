using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;

namespace AmoHub.Grains.Crm;

/// <summary>
/// Which dedup lock finds or makes a contact: its phone's (which takes its email's when there is one: always in that
/// order), else its email's.
/// </summary>
public static class ContactLocks
{
    /// <summary>
    /// The contact of <paramref name="contact"/>'s phone or email, found or made through its lock, with the lead it
    /// brings made with it when both are new (<see cref="NewContact.Lead"/>).
    /// </summary>
    public static Task<ContactResult> FindOrMakeAsync(IGrainFactory grains, string account, NewContact contact)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(contact);
        return contact switch
        {
            { Phone: { } phone } => grains.GetGrain<IPhoneIndexGrain>(GrainKeys.Phone(account, phone)).GetOrCreateAsync(contact.Name, contact.Email, contact.Fields, contact.Lead),
            { Email: { } email } => grains.GetGrain<IEmailIndexGrain>(GrainKeys.Email(account, email)).GetOrCreateAsync(contact.Name, null, contact.Fields, contact.Lead),
            _ => throw new ArgumentException("A contact to find needs a phone or an email.", nameof(contact)),
        };
    }
}
