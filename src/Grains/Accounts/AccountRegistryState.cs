using AmoHub.Grains.Interfaces.Accounts;

namespace AmoHub.Grains.Accounts;

/// <summary>The accounts of a deployment, by subdomain.</summary>
[GenerateSerializer, Alias("amohub.AccountRegistryState")]
public sealed class AccountRegistryState
{
    /// <summary>Every account AmoHub serves.</summary>
    [Id(0)]
    public Dictionary<string, AccountDefinition> Accounts { get; set; } = [];

    /// <summary>Webhook secret hashes and the accounts they belong to.</summary>
    [Id(1)]
    public Dictionary<string, string> WebhookSecrets { get; set; } = [];
}
