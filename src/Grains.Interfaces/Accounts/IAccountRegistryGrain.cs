using Orleans.Concurrency;

namespace AmoHub.Grains.Interfaces.Accounts;

/// <summary>
/// An amoCRM account AmoHub serves: where it lives, whether it is the built-in sandbox, the test entities its POST
/// and Digital Pipeline probes write to, whether it comes from configuration (re-applied at every start) or was
/// added through the API, and the pipeline a new lead goes to when it names none (null: amoCRM's main pipeline).
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.AccountDefinition")]
public sealed record AccountDefinition(
    [property: Id(0)] string Subdomain,
    [property: Id(1)] Uri BaseUrl,
    [property: Id(2)] bool IsSandbox,
    [property: Id(3)] long? TestLeadId = null,
    [property: Id(4)] long? TestContactId = null,
    [property: Id(5)] bool FromConfiguration = false,
    [property: Id(6)] long? DefaultPipelineId = null);

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

    /// <summary>
    /// Starts the probes of every stored account (idempotent): each silo asks at start-up, so an account whose add
    /// was cut short gets all of them. Read-only, so the API's reads of the registry go on meanwhile.
    /// </summary>
    [ReadOnly]
    Task ResumeAsync();

    /// <summary>Removes an account, stops its probes and its notifications; false when there is no such account.</summary>
    Task<bool> RemoveAsync(string subdomain);

    /// <summary>One account, or null. Read-only, so the reads of every API request run side by side.</summary>
    [ReadOnly]
    Task<AccountDefinition?> FindAsync(string subdomain);

    /// <summary>All accounts, ordered by subdomain.</summary>
    [ReadOnly]
    Task<IReadOnlyList<AccountDefinition>> ListAsync();

    /// <summary>Records which account a webhook secret (by its hash) belongs to.</summary>
    Task RegisterWebhookAsync(string secretHash, string subdomain);

    /// <summary>Forgets a webhook secret.</summary>
    Task UnregisterWebhookAsync(string secretHash);

    /// <summary>The account a webhook secret belongs to, or null; read-only, like <see cref="FindAsync"/>.</summary>
    [ReadOnly]
    Task<string?> FindWebhookAccountAsync(string secretHash);
}
