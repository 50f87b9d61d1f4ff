using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;

namespace AmoHub.Grains.Crm;

/// <summary>
/// The first step of every find-or-create: looks a phone, an email or a lead name up in our copy (the read model
/// finds the id, the grain confirms it still holds). The dedup locks call it before anything reaches amoCRM, and the
/// account grain calls it again after each sync.
/// </summary>
public sealed class OurCopy(CrmReadModel readModel, IGrainFactory grains)
{
    /// <summary>The amoCRM ids of every contact (or, with <paramref name="leads"/>, lead) we keep for the account.</summary>
    public Task<IReadOnlyList<long>> IdsAsync(string account, bool leads) => readModel.IdsAsync(account, leads);

    /// <summary>The contact we keep with this E.164 phone, if any.</summary>
    public async Task<ContactSnapshot?> FindContactAsync(string account, string phone) =>
        await readModel.FindContactByPhoneAsync(account, phone) is { } id
            ? await ConfirmContactAsync(account, id, phone)
            : null;

    /// <summary>Contact <paramref name="amoCrmId"/>, if we keep it and it still holds this E.164 phone.</summary>
    public Task<ContactSnapshot?> ConfirmContactAsync(string account, long amoCrmId, string phone) =>
        ConfirmAsync(account, amoCrmId, contact => contact.Phones.Contains(phone));

    /// <summary>The contact we keep with this email (in the form of <see cref="EmailAddresses"/>), if any.</summary>
    public async Task<ContactSnapshot?> FindContactByEmailAsync(string account, string email) =>
        await readModel.FindContactByEmailAsync(account, email) is { } id
            ? await ConfirmContactByEmailAsync(account, id, email)
            : null;

    /// <summary>Contact <paramref name="amoCrmId"/>, if we keep it and it still holds this email.</summary>
    public Task<ContactSnapshot?> ConfirmContactByEmailAsync(string account, long amoCrmId, string email) =>
        ConfirmAsync(account, amoCrmId, contact => contact.Emails.Contains(email));

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

    private async Task<ContactSnapshot?> ConfirmAsync(string account, long amoCrmId, Func<ContactSnapshot, bool> holds) =>
        await grains.GetGrain<IContactGrain>(GrainKeys.Contact(account, amoCrmId)).GetAsync() is { } contact && holds(contact)
            ? contact
            : null;
}
