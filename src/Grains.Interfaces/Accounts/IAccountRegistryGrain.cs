namespace AmoHub.Grains;

/// <summary>An amoCRM account AmoHub serves.</summary>
[GenerateSerializer, Immutable, Alias("amohub.AccountDefinition")]
public sealed record AccountDefinition(
    [property: Id(0)] string Subdomain,
    [property: Id(1)] Uri BaseUrl,
    [property: Id(2)] bool IsSandbox,
    [property: Id(3)] long? TestLeadId = null);

/// <summary>
/// The list of accounts of a deployment, and the one place that starts and stops their probes.
/// A single grain; key <see cref="Key"/>.
/// </summary>
public interface IAccountRegistryGrain : IGrainWithStringKey
{
    /// <summary>The only key of this grain.</summary>
    const string Key = "registry:accounts";

    /// <summary>Adds an account or updates its definition, and makes sure its probes run; idempotent.</summary>
    Task EnsureAsync(AccountDefinition account);

    /// <summary>All accounts, ordered by subdomain.</summary>
    Task<IReadOnlyList<AccountDefinition>> ListAsync();

    /// <summary>Records which account a webhook secret (by its hash) belongs to.</summary>
    Task RegisterWebhookAsync(string secretHash, string subdomain);

    /// <summary>Forgets a webhook secret.</summary>
    Task UnregisterWebhookAsync(string secretHash);

    /// <summary>The account a webhook secret belongs to, or null.</summary>
    Task<string?> FindWebhookAccountAsync(string secretHash);
}
