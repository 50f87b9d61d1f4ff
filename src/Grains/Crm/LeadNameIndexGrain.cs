using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;

namespace AmoHub.Grains.Crm;

/// <summary>The dedup lock of one lead name; works like <see cref="PhoneIndexGrain"/>.</summary>
public sealed class LeadNameIndexGrain(OurCopy ourCopy) : Grain, ILeadNameIndexGrain
{
    /// <inheritdoc />
    public async Task<LeadResult> GetOrCreateAsync(NewLead lead)
    {
        ArgumentNullException.ThrowIfNull(lead);
        var account = GrainKeys.AccountOf(this.GetPrimaryKeyString());
        return await ourCopy.FindLeadAsync(account, lead.Name) is { } existing
            ? new LeadResult(existing, Created: false)
            : await GrainFactory.GetGrain<IAccountGrain>(GrainKeys.Account(account)).FindOrCreateLeadAsync(lead);
    }
}
