using AmoHub.Grains.Interfaces.Accounts;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Probes;
using AmoHub.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AmoHub.Grains.Accounts;

/// <summary>
/// Keeps the list of accounts and starts the probes that have a runner for each of them, and the schedule of each
/// one's weekly digest. The accounts live in the
/// <c>accounts</c> table (<see cref="AccountRegistryStore"/>), a row each, and in memory while the grain is active;
/// a deployment that kept them in this grain's state (<see cref="AccountRegistryState"/>) has them moved to the
/// table on the first activation, and the state emptied.
/// </summary>
public sealed partial class AccountRegistryGrain(
    [PersistentState("accounts", StorageNames.Default)] IPersistentState<AccountRegistryState> state,
    AccountRegistryStore store,
    IEnumerable<IProbeCheck> checks,
    IOptions<ProbeSchedule> schedule,
    ILogger<AccountRegistryGrain> logger) : Grain, IAccountRegistryGrain
{
    /// <summary>Probes started at once when every account's probes are brought back.</summary>
    private const int ResumeBatch = 200;

    private readonly HashSet<string> _started = new(StringComparer.Ordinal);
    private Dictionary<string, AccountDefinition> _accounts = [];
    private Dictionary<string, string> _webhookSecrets = [];
    private Task? _resuming;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var legacy = state.State;
        if (legacy.Accounts.Count > 0 || legacy.WebhookSecrets.Count > 0)
        {
            foreach (var account in legacy.Accounts.Values)
            {
                await store.SaveAccountAsync(account);
            }

            foreach (var (secretHash, subdomain) in legacy.WebhookSecrets)
            {
                await store.SaveWebhookSecretAsync(secretHash, subdomain);
            }

            await state.ClearStateAsync(cancellationToken);
        }

        (_accounts, _webhookSecrets) = await store.LoadAsync();
    }

    /// <inheritdoc />
    public async Task EnsureAsync(AccountDefinition account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var subdomain = AccountName.Normalize(account.Subdomain);
        account = account with { Subdomain = subdomain };
        if (!_accounts.TryGetValue(subdomain, out var known) || known != account)
        {
            await store.SaveAccountAsync(account);
            _accounts[subdomain] = account;
        }

        await StartProbesAsync([account]);
        await StartDigestsAsync([account]);
        _started.Add(subdomain);
    }

    /// <inheritdoc />
    public Task ResumeAsync()
    {
        // In the background of this activation, so the registry keeps answering meanwhile: a probe busy with a long
        // check (a Digital Pipeline round trip waits up to a minute) takes its start call only after it.
        if (_resuming is null || _resuming.IsCompleted)
        {
            _resuming = ResumeProbesAsync();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(string subdomain)
    {
        subdomain = AccountName.Normalize(subdomain);
        if (!_accounts.ContainsKey(subdomain))
        {
            return false;
        }

        await store.RemoveAccountAsync(subdomain);
        _accounts.Remove(subdomain);
        await Task.WhenAll(CheckTypes.All.Select(checkType =>
            GrainFactory.GetGrain<IProbeGrain>(GrainKeys.Probe(subdomain, checkType)).StopAsync()));
        await GrainFactory.GetGrain<INotifierGrain>(GrainKeys.Notifier(subdomain)).StopAsync();
        await GrainFactory.GetGrain<IDigestGrain>(GrainKeys.Digest(subdomain)).StopAsync();
        return true;
    }

    /// <inheritdoc />
    public Task<AccountDefinition?> FindAsync(string subdomain) =>
        Task.FromResult(AccountName.TryNormalize(subdomain, out var normalized) ? _accounts.GetValueOrDefault(normalized) : null);

    /// <inheritdoc />
    public async Task RegisterWebhookAsync(string secretHash, string subdomain)
    {
        if (!_webhookSecrets.TryGetValue(secretHash, out var known) || known != subdomain)
        {
            await store.SaveWebhookSecretAsync(secretHash, subdomain);
            _webhookSecrets[secretHash] = subdomain;
        }
    }

    /// <inheritdoc />
    public async Task UnregisterWebhookAsync(string secretHash)
    {
        if (_webhookSecrets.ContainsKey(secretHash))
        {
            await store.RemoveWebhookSecretAsync(secretHash);
            _webhookSecrets.Remove(secretHash);
        }
    }

    /// <inheritdoc />
    public Task<string?> FindWebhookAccountAsync(string secretHash) =>
        Task.FromResult(_webhookSecrets.GetValueOrDefault(secretHash));

    /// <inheritdoc />
    public Task<IReadOnlyList<AccountDefinition>> ListAsync() =>
        Task.FromResult<IReadOnlyList<AccountDefinition>>(
            _accounts.Values.OrderBy(account => account.Subdomain, StringComparer.Ordinal).ToList());

    /// <summary>Starts the probes of every account not started since this activation; a batch that fails is logged and the rest go on.</summary>
    private async Task ResumeProbesAsync()
    {
        foreach (var batch in _accounts.Values.Where(account => !_started.Contains(account.Subdomain)).ToList().Chunk(ResumeBatch / CheckTypes.All.Count))
        {
            try
            {
                await StartProbesAsync(batch);
                await StartDigestsAsync(batch);
                _started.UnionWith(batch.Select(account => account.Subdomain));
            }
            catch (Exception exception) when (exception is TimeoutException or OrleansException)
            {
                LogResumeFailed(logger, exception, batch.Length);
            }
        }
    }

    /// <summary>Starts (idempotently) every probe of the accounts, a batch at a time.</summary>
    private async Task StartProbesAsync(IReadOnlyList<AccountDefinition> accounts)
    {
        if (!schedule.Value.Enabled)
        {
            return;
        }

        var starts = accounts.SelectMany(account => checks.Select(check => (account, check)));
        foreach (var batch in starts.Chunk(ResumeBatch))
        {
            await Task.WhenAll(batch.Select(pair =>
                GrainFactory.GetGrain<IProbeGrain>(GrainKeys.Probe(pair.account.Subdomain, pair.check.CheckType))
                    .StartAsync(schedule.Value.SettingsFor(pair.check.CheckType, pair.account.BaseUrl))));
        }
    }

    /// <summary>Starts (idempotently) the digest schedule of each of the accounts, whether probes run or not.</summary>
    private Task StartDigestsAsync(IReadOnlyList<AccountDefinition> accounts) =>
        Task.WhenAll(accounts.Select(account => GrainFactory.GetGrain<IDigestGrain>(GrainKeys.Digest(account.Subdomain)).StartAsync()));

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Starting the probes of {Count} stored accounts failed; their reminders or the next start bring them back")]
    private static partial void LogResumeFailed(ILogger logger, Exception exception, int count);
}
