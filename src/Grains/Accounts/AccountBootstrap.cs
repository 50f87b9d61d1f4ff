namespace AmoHub.Grains.Accounts;

/// <summary>An account from configuration, with the credentials to reach it.</summary>
public sealed record ConfiguredAccount(AccountDefinition Definition, AccountCredentials? Credentials);

/// <summary>
/// Runs when a silo becomes active: configures each configured account's grain (credentials included) and hands
/// the account to the registry, which starts its probes. Every silo does it; both steps are idempotent.
/// </summary>
public sealed class AccountBootstrap(IGrainFactory grains, IReadOnlyList<ConfiguredAccount> accounts) : IStartupTask
{
    /// <inheritdoc />
    public async Task Execute(CancellationToken cancellationToken)
    {
        var registry = grains.GetGrain<IAccountRegistryGrain>(IAccountRegistryGrain.Key);
        foreach (var (definition, credentials) in accounts)
        {
            await grains.GetGrain<IAccountGrain>(Keys.GrainKeys.Account(definition.Subdomain)).ConfigureAsync(definition, credentials);
            await registry.EnsureAsync(definition);
        }
    }
}
