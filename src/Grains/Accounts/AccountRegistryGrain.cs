using AmoHub.Grains.Keys;
using AmoHub.Grains.Probes;
using Microsoft.Extensions.Options;

namespace AmoHub.Grains.Accounts;

/// <summary>Keeps the list of accounts and starts the probes that have a runner for each of them.</summary>
public sealed class AccountRegistryGrain(
    [PersistentState("accounts", StorageNames.Default)] IPersistentState<AccountRegistryState> state,
    IEnumerable<IProbeCheck> checks,
    IOptions<ProbeSchedule> schedule) : Grain, IAccountRegistryGrain
{
    /// <inheritdoc />
    public async Task EnsureAsync(AccountDefinition account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var subdomain = AccountName.Normalize(account.Subdomain);
        account = account with { Subdomain = subdomain };
        if (!state.State.Accounts.TryGetValue(subdomain, out var known) || known != account)
        {
            state.State.Accounts[subdomain] = account;
            await state.WriteStateAsync();
        }

        var settings = new ProbeSettings(account.BaseUrl, schedule.Value.Interval, schedule.Value.Timeout);
        await Task.WhenAll(checks.Select(check =>
            GrainFactory.GetGrain<IProbeGrain>(GrainKeys.Probe(subdomain, check.CheckType)).StartAsync(settings)));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AccountDefinition>> ListAsync() =>
        Task.FromResult<IReadOnlyList<AccountDefinition>>(
            state.State.Accounts.Values.OrderBy(account => account.Subdomain, StringComparer.Ordinal).ToList());
}
