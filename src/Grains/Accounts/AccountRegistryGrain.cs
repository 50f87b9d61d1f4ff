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

        if (!schedule.Value.Enabled)
        {
            return;
        }

        await Task.WhenAll(checks.Select(check =>
            GrainFactory.GetGrain<IProbeGrain>(GrainKeys.Probe(subdomain, check.CheckType))
                .StartAsync(schedule.Value.SettingsFor(check.CheckType, account.BaseUrl))));
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(string subdomain)
    {
        subdomain = AccountName.Normalize(subdomain);
        if (!state.State.Accounts.Remove(subdomain))
        {
            return false;
        }

        await state.WriteStateAsync();
        await Task.WhenAll(CheckTypes.All.Select(checkType =>
            GrainFactory.GetGrain<IProbeGrain>(GrainKeys.Probe(subdomain, checkType)).StopAsync()));
        return true;
    }

    /// <inheritdoc />
    public Task<AccountDefinition?> FindAsync(string subdomain) =>
        Task.FromResult(AccountName.TryNormalize(subdomain, out var normalized) ? state.State.Accounts.GetValueOrDefault(normalized) : null);

    /// <inheritdoc />
    public async Task RegisterWebhookAsync(string secretHash, string subdomain)
    {
        if (!state.State.WebhookSecrets.TryGetValue(secretHash, out var known) || known != subdomain)
        {
            state.State.WebhookSecrets[secretHash] = subdomain;
            await state.WriteStateAsync();
        }
    }

    /// <inheritdoc />
    public async Task UnregisterWebhookAsync(string secretHash)
    {
        if (state.State.WebhookSecrets.Remove(secretHash))
        {
            await state.WriteStateAsync();
        }
    }

    /// <inheritdoc />
    public Task<string?> FindWebhookAccountAsync(string secretHash) =>
        Task.FromResult(state.State.WebhookSecrets.GetValueOrDefault(secretHash));

    /// <inheritdoc />
    public Task<IReadOnlyList<AccountDefinition>> ListAsync() =>
        Task.FromResult<IReadOnlyList<AccountDefinition>>(
            state.State.Accounts.Values.OrderBy(account => account.Subdomain, StringComparer.Ordinal).ToList());
}
