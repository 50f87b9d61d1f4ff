using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;

namespace AmoHub.Grains.Crm;

/// <summary>
/// The first step of every find-or-create: looks a phone or a lead name up in our copy (the read model finds the
/// id, the grain confirms it still holds). The dedup locks call it before anything reaches amoCRM, and the account
/// grain calls it again after each sync.
/// </summary>
public sealed class OurCopy(CrmReadModel readModel, IGrainFactory grains)
{
    /// <summary>The contact we keep with this E.164 phone, if any.</summary>
    public async Task<ContactSnapshot?> FindContactAsync(string account, string phone) =>
        await readModel.FindContactByPhoneAsync(account, phone) is { } id
            ? await ConfirmContactAsync(account, id, phone)
            : null;

    /// <summary>Contact <paramref name="amoCrmId"/>, if we keep it and it still holds this E.164 phone.</summary>
    public async Task<ContactSnapshot?> ConfirmContactAsync(string account, long amoCrmId, string phone) =>
        await grains.GetGrain<IContactGrain>(GrainKeys.Contact(account, amoCrmId)).GetAsync() is { } contact
        && contact.Phones.Contains(phone)
            ? contact
            : null;

    /// <summary>The oldest lead we keep with this name (compared by <see cref="NameKeys"/>), if any.</summary>
    public async Task<LeadSnapshot?> FindLeadAsync(string account, string name)
    {
        var key = NameKeys.Normalize(name);
        foreach (var id in await readModel.FindLeadsByNameAsync(account, name))
        {
            if (await grains.GetGrain<ILeadGrain>(GrainKeys.Lead(account, id)).GetAsync() is { } lead && NameKeys.Normalize(lead.Name) == key)
            {
                return lead;
            }
        }

        return null;
    }
}
