using AmoHub.Grains.Keys;
using AmoHub.Grains.Persistence;

namespace AmoHub.Grains.Crm;

/// <summary>The dedup lock of one lead name; works like <see cref="PhoneIndexGrain"/>.</summary>
public sealed class LeadNameIndexGrain(CrmReadModel readModel) : Grain, ILeadNameIndexGrain
{
    /// <inheritdoc />
    public async Task<LeadResult> GetOrCreateAsync(NewLead lead)
    {
        ArgumentNullException.ThrowIfNull(lead);
        var account = GrainKeys.AccountOf(this.GetPrimaryKeyString());
        var nameKey = NameKeys.Normalize(lead.Name);
        if (await readModel.FindLeadByNameAsync(account, nameKey) is { } known
            && await GrainFactory.GetGrain<ILeadGrain>(GrainKeys.Lead(account, known)).GetAsync() is { } existing
            && NameKeys.Normalize(existing.Name) == nameKey)
        {
            return new LeadResult(existing, Created: false);
        }

        return await GrainFactory.GetGrain<IAccountGrain>(GrainKeys.Account(account)).FindOrCreateLeadAsync(lead);
    }
}
