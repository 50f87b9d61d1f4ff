using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;

namespace AmoHub.Grains.Crm;

/// <summary>
/// The dedup lock of one lead name; works like <see cref="PhoneIndexGrain"/>. A request that names its contact by phone
/// or email takes that contact's locks while holding this one, so a lead of a new contact can be made with it.
/// </summary>
public sealed class LeadNameIndexGrain(OurCopy ourCopy) : Grain, ILeadNameIndexGrain
{
    private string Account => GrainKeys.AccountOf(this.GetPrimaryKeyString());

    private IAccountGrain AmoCrm => GrainFactory.GetGrain<IAccountGrain>(GrainKeys.Account(Account));

    /// <inheritdoc />
    public async Task<LeadResult> GetOrCreateAsync(NewLead lead)
    {
        ArgumentNullException.ThrowIfNull(lead);
        return await ourCopy.FindLeadAsync(Account, lead.Name) is { } existing
            ? new LeadResult(existing, Created: false)
            : await AmoCrm.FindOrCreateLeadAsync(lead);
    }

    /// <inheritdoc />
    public async Task<LeadResult> GetOrCreateWithContactAsync(NewLead lead, NewContact contact)
    {
        ArgumentNullException.ThrowIfNull(lead);
        ArgumentNullException.ThrowIfNull(contact);
        if (await ourCopy.FindLeadAsync(Account, lead.Name) is { } existing)
        {
            return new LeadResult(existing, Created: false, await ContactLocks.FindOrMakeAsync(GrainFactory, Account, contact));
        }

        var found = await ContactLocks.FindOrMakeAsync(GrainFactory, Account, contact with { Lead = lead });
        if (found.Lead is { } made)
        {
            return new LeadResult(made, Created: true, found with { Lead = null });
        }

        return await AmoCrm.FindOrCreateLeadAsync(lead with { MainContactId = found.Contact.AmoCrmId }) with { Contact = found };
    }
}
