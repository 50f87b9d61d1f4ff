namespace AmoHub.Grains.Accounts;

/// <summary>
/// Runs when a silo becomes active: hands the configured accounts to the registry, which starts their probes.
/// Every silo does it; the registry makes it idempotent.
/// </summary>
public sealed class AccountBootstrap(IGrainFactory grains, IReadOnlyList<AccountDefinition> accounts) : IStartupTask
{
    /// <inheritdoc />
    public async Task Execute(CancellationToken cancellationToken)
    {
        var registry = grains.GetGrain<IAccountRegistryGrain>(IAccountRegistryGrain.Key);
        foreach (var account in accounts)
        {
            await registry.EnsureAsync(account);
        }
    }
}
