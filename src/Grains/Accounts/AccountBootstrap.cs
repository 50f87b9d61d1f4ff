using AmoHub.Grains.Interfaces.Accounts;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;

namespace AmoHub.Grains.Accounts;

/// <summary>
/// An account from configuration, with the credentials to reach it, and where AmoHub subscribes its webhooks at
/// start-up when it should (the built-in sandbox, so its Digital Pipeline probe works out of the box).
/// </summary>
public sealed record ConfiguredAccount(AccountDefinition Definition, AccountCredentials? Credentials, Uri? SubscribeWebhooksAt = null);

/// <summary>
/// Runs when a silo becomes active: configures each configured account's grain (credentials included) and hands
/// the account to the registry, which starts its probes; then has the registry start the probes of every stored
/// account, those added over the API included. Every silo does it; every step is idempotent.
/// </summary>
public sealed class AccountBootstrap(IGrainFactory grains, IReadOnlyList<ConfiguredAccount> accounts) : IStartupTask
{
    /// <inheritdoc />
    public async Task Execute(CancellationToken cancellationToken)
    {
        var registry = grains.GetGrain<IAccountRegistryGrain>(IAccountRegistryGrain.Key);
        foreach (var (definition, credentials, webhooks) in accounts)
        {
            var account = grains.GetGrain<IAccountGrain>(GrainKeys.Account(definition.Subdomain));
            await account.ConfigureAsync(definition, credentials);
            await registry.EnsureAsync(definition);
            if (webhooks is not null && !(await account.GetSyncStatusAsync()).Webhooks.Subscribed)
            {
                await account.SubscribeWebhooksAsync(webhooks);
            }
        }

        await registry.ResumeAsync();
    }
}
