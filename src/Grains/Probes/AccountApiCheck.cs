using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.Grains.Probes;

/// <summary>
/// GET, POST and HOOK: an API call made by the account grain, so probes spend the same request budget as the sync
/// work and never push the account over amoCRM's limit. The account grain times the request itself; the
/// probe's timeout applies to that request, not to the wait for a budget slot.
/// </summary>
public sealed class AccountApiCheck(CheckType checkType, IGrainFactory grains) : IProbeCheck
{
    /// <inheritdoc />
    public CheckType CheckType => checkType;

    /// <inheritdoc />
    public Task<CheckOutcome> RunAsync(string account, ProbeSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return grains.GetGrain<IAccountGrain>(GrainKeys.Account(account)).ProbeApiAsync(checkType, settings.Timeout);
    }
}
