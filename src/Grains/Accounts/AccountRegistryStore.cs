using AmoHub.Grains.Interfaces.Accounts;
using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Storage;

namespace AmoHub.Grains.Accounts;

/// <summary>
/// The <c>accounts</c> and <c>webhook_secrets</c> tables behind the account registry: one row an account and one a
/// webhook secret, so adding or changing an account writes its own row, whatever the number of accounts.
/// </summary>
public sealed class AccountRegistryStore(AmoHubDatabase database)
{
    private static readonly string[] AccountColumns = ["subdomain", "base_url", "is_sandbox", "test_lead_id", "test_contact_id", "from_configuration", "default_pipeline_id"];
    private static readonly string[] SecretColumns = ["secret_hash", "account"];

    private readonly string _upsertAccount = Sql.Upsert(database.Provider, "accounts", AccountColumns, ["subdomain"], AccountColumns[1..]);
    private readonly string _upsertSecret = Sql.Upsert(database.Provider, "webhook_secrets", SecretColumns, ["secret_hash"], ["account"]);

    /// <summary>Every account and every webhook secret's account.</summary>
    public async Task<(Dictionary<string, AccountDefinition> Accounts, Dictionary<string, string> WebhookSecrets)> LoadAsync()
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        var accounts = new Dictionary<string, AccountDefinition>(StringComparer.Ordinal);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT {string.Join(", ", AccountColumns)} FROM accounts";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var account = new AccountDefinition(reader.GetString(0), new Uri(reader.GetString(1)), reader.GetLong(2) != 0,
                    reader.GetNullableLong(3), reader.GetNullableLong(4), reader.GetLong(5) != 0, reader.GetNullableLong(6));
                accounts[account.Subdomain] = account;
            }
        }

        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT secret_hash, account FROM webhook_secrets";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                secrets[reader.GetString(0)] = reader.GetString(1);
            }
        }

        return (accounts, secrets);
    }

    /// <summary>Writes one account's row.</summary>
    public Task SaveAccountAsync(AccountDefinition account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return ExecuteAsync(_upsertAccount, command => command
            .With("@subdomain", account.Subdomain)
            .With("@base_url", account.BaseUrl.AbsoluteUri)
            .With("@is_sandbox", account.IsSandbox)
            .With("@test_lead_id", account.TestLeadId)
            .With("@test_contact_id", account.TestContactId)
            .With("@from_configuration", account.FromConfiguration)
            .With("@default_pipeline_id", account.DefaultPipelineId));
    }

    /// <summary>Removes one account's row.</summary>
    public Task RemoveAccountAsync(string subdomain) =>
        ExecuteAsync("DELETE FROM accounts WHERE subdomain = @subdomain", command => command.With("@subdomain", subdomain));

    /// <summary>Records which account a webhook secret (by its hash) belongs to.</summary>
    public Task SaveWebhookSecretAsync(string secretHash, string subdomain) =>
        ExecuteAsync(_upsertSecret, command => command.With("@secret_hash", secretHash).With("@account", subdomain));

    /// <summary>Forgets a webhook secret.</summary>
    public Task RemoveWebhookSecretAsync(string secretHash) =>
        ExecuteAsync("DELETE FROM webhook_secrets WHERE secret_hash = @secret_hash", command => command.With("@secret_hash", secretHash));

    private async Task ExecuteAsync(string sql, Action<System.Data.Common.DbCommand> bind)
    {
        await using var write = await database.OpenWriteAsync(CancellationToken.None);
        await using var command = write.Connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        await command.ExecuteNonQueryAsync();
    }
}
