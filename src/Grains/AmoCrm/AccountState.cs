using System.Text.Json;
using AmoHub.Grains.Interfaces.Accounts;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Security;

namespace AmoHub.Grains.AmoCrm;

/// <summary>
/// What the account grain keeps: where the account is, its tokens (sealed), sync cursors and webhook subscription.
/// </summary>
[GenerateSerializer, Alias("amohub.AccountState")]
public sealed class AccountState
{
    /// <summary>Where the account lives.</summary>
    [Id(0)]
    public AccountDefinition? Definition { get; set; }

    /// <summary>
    /// The configured credentials as AmoHub stored them before it sealed secrets: read once, moved into
    /// <see cref="SealedSecrets"/> and cleared.
    /// </summary>
    [Id(1)]
    public AccountCredentials? Credentials { get; set; }

    /// <summary>A hash of the configured credentials, to notice when an operator configures new ones.</summary>
    [Id(2)]
    public string? CredentialsFingerprint { get; set; }

    /// <summary>The access token as stored before secrets were sealed; moved into <see cref="SealedSecrets"/> on read.</summary>
    [Id(3)]
    public string? AccessToken { get; set; }

    /// <summary>The refresh token as stored before secrets were sealed; moved into <see cref="SealedSecrets"/> on read.</summary>
    [Id(4)]
    public string? RefreshToken { get; set; }

    /// <summary>When the access token expires (OAuth only).</summary>
    [Id(5)]
    public DateTimeOffset? AccessTokenExpiresAt { get; set; }

    /// <summary>amoCRM's numeric id of the account, learnt from <c>GET /api/v4/account</c>.</summary>
    [Id(6)]
    public long? AmoCrmAccountId { get; set; }

    /// <summary>Contacts changed at or after this amoCRM time (Unix seconds) are pulled by the next sync.</summary>
    [Id(7)]
    public long ContactsCursor { get; set; }

    /// <summary>The same for leads.</summary>
    [Id(8)]
    public long LeadsCursor { get; set; }

    /// <summary>The secret part of AmoHub's webhook destination.</summary>
    [Id(9)]
    public string? WebhookSecret { get; set; }

    /// <summary>The destination subscribed in amoCRM, if any.</summary>
    [Id(10)]
    public Uri? WebhookDestination { get; set; }

    /// <summary>When it was subscribed.</summary>
    [Id(11)]
    public DateTimeOffset? WebhookSince { get; set; }

    /// <summary>Whether the initial full sync of contacts has run.</summary>
    [Id(12)]
    public bool ContactsSynced { get; set; }

    /// <summary>Whether the initial full sync of leads has run.</summary>
    [Id(13)]
    public bool LeadsSynced { get; set; }

    /// <summary>The test lead AmoHub made for the POST probe in the sandbox.</summary>
    [Id(15)]
    public long? SandboxTestLeadId { get; set; }

    /// <summary>The test contact AmoHub made for the Digital Pipeline probe in the sandbox.</summary>
    [Id(17)]
    public long? SandboxTestContactId { get; set; }

    /// <summary>When to refresh the access token ahead of its expiry (OAuth only).</summary>
    [Id(14)]
    public DateTimeOffset? AccessTokenRefreshAt { get; set; }

    /// <summary>The account's <see cref="AccountSecrets"/>, sealed by <see cref="ISecretProtector"/>.</summary>
    [Id(16)]
    public string? SealedSecrets { get; set; }

    /// <summary>Contacts the first import has read so far (it goes on counting across restarts).</summary>
    [Id(18)]
    public long ContactsImportRead { get; set; }

    /// <summary>amoCRM's <c>updated_at</c> (Unix seconds) of the first contact the import read; 0 before its first page.</summary>
    [Id(19)]
    public long ContactsImportOldest { get; set; }

    /// <summary>The same as <see cref="ContactsImportRead"/> for leads.</summary>
    [Id(20)]
    public long LeadsImportRead { get; set; }

    /// <summary>The same as <see cref="ContactsImportOldest"/> for leads.</summary>
    [Id(21)]
    public long LeadsImportOldest { get; set; }

    /// <summary>Contacts deleted at or after this amoCRM time (Unix seconds) are read by the next reconciliation.</summary>
    [Id(22)]
    public long ContactsReconciledTo { get; set; }

    /// <summary>The same for leads.</summary>
    [Id(23)]
    public long LeadsReconciledTo { get; set; }

    /// <summary>The period the <c>reconcile</c> reminder was registered with; it is registered again when the setting differs.</summary>
    [Id(24)]
    public TimeSpan? ReconcileEvery { get; set; }

    /// <summary>
    /// Whether the contacts import read emails from its first page on. Once it has ended, our copy holds every
    /// contact's emails; an account whose import began under a version that kept no emails never gets there (its
    /// contacts' emails arrive only as they change), so its email lookups keep asking amoCRM.
    /// </summary>
    [Id(25)]
    public bool ContactsImportReadEmails { get; set; }
}

/// <summary>How far a first import has come: entities read, and the oldest change it read (where it started).</summary>
/// <param name="Read">Entities read so far, across restarts.</param>
/// <param name="Oldest">amoCRM's <c>updated_at</c> (Unix seconds) of the first entity it read; 0 before the first page.</param>
public readonly record struct ImportPosition(long Read, long Oldest);

/// <summary>
/// An account's secrets: the configured credentials (the seed of the token pair, with the client secret), the access
/// token in use and the single-use refresh token that goes with it. Plaintext in the grain's memory only; stored
/// sealed.
/// </summary>
public sealed record AccountSecrets(AccountCredentials? Credentials, string? AccessToken, string? RefreshToken)
{
    /// <summary>No credentials yet.</summary>
    public static AccountSecrets None { get; } = new(null, null, null);

    /// <summary>Opens secrets sealed by <see cref="Seal"/>.</summary>
    public static AccountSecrets Unseal(string sealedSecrets, ISecretProtector protector)
    {
        ArgumentNullException.ThrowIfNull(protector);
        return JsonSerializer.Deserialize<AccountSecrets>(protector.Unprotect(sealedSecrets))
            ?? throw new InvalidOperationException("The account's sealed secrets are empty.");
    }

    /// <summary>Seals the secrets for storage.</summary>
    public string Seal(ISecretProtector protector)
    {
        ArgumentNullException.ThrowIfNull(protector);
        return protector.Protect(JsonSerializer.Serialize(this));
    }

    /// <summary>Never prints a secret.</summary>
    public override string ToString() => Credentials?.ToString() ?? "no credentials";
}
