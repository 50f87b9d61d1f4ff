using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AmoHub.Grains.AmoCrm;
using AmoHub.Grains.Keys;
using AmoHub.Grains.Persistence;
using AmoHub.Grains.Probes;
using AmoHub.Grains.Security;
using AmoHub.ServiceDefaults.Phones;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Refit;

namespace AmoHub.Grains.Crm;

/// <summary>
/// The only caller of amoCRM for one account. Reentrant, so many requests are in flight at once, while every
/// piece of state is touched only on the grain's own scheduler:
/// <list type="bullet">
/// <item>every request waits for a slot of the account's <see cref="RequestBudget"/>;</item>
/// <item>the OAuth token pair is refreshed by one request at a time and written to storage before it is used
/// (refresh tokens are single-use); credentials and tokens are stored sealed by <see cref="ISecretProtector"/>;</item>
/// <item>concurrent finds-or-creates share one sync of our copy and are created 50 to a request.</item>
/// </list>
/// </summary>
[Reentrant]
public sealed partial class AccountGrain : Grain, IAccountGrain
{
    /// <summary>Name of the HttpClient used for amoCRM.</summary>
    public const string HttpClientName = "amohub.amocrm";

    private const int PageSize = 250;

    /// <summary>The events AmoHub's webhook subscription asks for.</summary>
    public static readonly ImmutableArray<string> WebhookEvents =
        ["add_contact", "update_contact", "delete_contact", "add_lead", "update_lead", "delete_lead", "status_lead"];

    private readonly IPersistentState<AccountState> _state;
    private readonly IHttpClientFactory _httpClients;
    private readonly PhoneNormalizer _phones;
    private readonly AmoCrmSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<AccountGrain> _logger;
    private readonly ISecretProtector _protector;
    private readonly CrmDeadLetters _deadLetters;
    private readonly RequestBudget _budget;
    private readonly DedupCreatePump<PendingContact, ContactSnapshot> _contacts;
    private readonly DedupCreatePump<NewLead, LeadSnapshot> _leads;
    private readonly Coalescer _contactSync;
    private readonly Coalescer _leadSync;
    private AccountSecrets _secrets = AccountSecrets.None;
    private IAmoCrmApi? _api;
    private Task<string>? _refresh;
    private Task? _saving;
    private long _requestsTotal;
    private long _rateLimitedTotal;

    public AccountGrain(
        [PersistentState("account", StorageNames.Default)] IPersistentState<AccountState> state,
        IHttpClientFactory httpClients,
        PhoneNormalizer phones,
        OurCopy ourCopy,
        IOptions<AmoCrmSettings> settings,
        TimeProvider time,
        ISecretProtector protector,
        CrmDeadLetters deadLetters,
        ILogger<AccountGrain> logger)
    {
        _deadLetters = deadLetters;
        _state = state;
        _protector = protector;
        _httpClients = httpClients;
        _phones = phones;
        _settings = settings.Value;
        _time = time;
        _logger = logger;
        _budget = new RequestBudget(_settings.RequestsPerSecond, _settings.PacingMargin, time);
        _contactSync = new Coalescer(SyncContactsCoreAsync);
        _leadSync = new Coalescer(SyncLeadsCoreAsync);
        _contacts = new DedupCreatePump<PendingContact, ContactSnapshot>(
            item => item.Phone, WaitForBudgetRoomAsync, _contactSync.RunAsync, item => ourCopy.FindContactAsync(Subdomain, item.Phone), CreateContactsAsync, _settings, BackOffAsync);
        _leads = new DedupCreatePump<NewLead, LeadSnapshot>(
            item => NameKeys.Normalize(item.Name), WaitForBudgetRoomAsync, _leadSync.RunAsync, item => ourCopy.FindLeadAsync(Subdomain, item.Name), CreateLeadsAsync, _settings, BackOffAsync);
    }

    private string Subdomain => _state.State.Definition?.Subdomain
        ?? this.GetPrimaryKeyString()["account:".Length..];

    /// <summary>
    /// Opens the sealed secrets. State stored before secrets were sealed holds them in plaintext: they are sealed
    /// and the plaintext is cleared from storage at once.
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var state = _state.State;
        if (state.Credentials is not null || state.AccessToken is not null || state.RefreshToken is not null)
        {
            KeepSecrets(new AccountSecrets(state.Credentials, state.AccessToken, state.RefreshToken));
            state.Credentials = null;
            state.AccessToken = null;
            state.RefreshToken = null;
            await SaveStateAsync();
        }
        else if (state.SealedSecrets is { } sealedSecrets)
        {
            _secrets = AccountSecrets.Unseal(sealedSecrets, _protector);
        }

        AmoCrmMetrics.Track(Subdomain, _budget);
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        AmoCrmMetrics.Untrack(Subdomain, _budget);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task ConfigureAsync(AccountDefinition account, AccountCredentials? credentials)
    {
        ArgumentNullException.ThrowIfNull(account);
        var state = _state.State;
        var changed = state.Definition != account;
        state.Definition = account;
        if (credentials is not null && Fingerprint(credentials) is var fingerprint && fingerprint != state.CredentialsFingerprint)
        {
            KeepSecrets(new AccountSecrets(credentials, credentials.AccessToken, credentials.RefreshToken));
            state.CredentialsFingerprint = fingerprint;
            state.AccessTokenExpiresAt = null;
            state.AccessTokenRefreshAt = null;
            changed = true;
            LogCredentialsConfigured(_logger, Subdomain, credentials.IsOAuth ? "OAuth" : "long-lived token");
        }

        if (changed)
        {
            _api = null;
            await SaveStateAsync();
        }
    }

    /// <inheritdoc />
    public async Task<ContactResult> FindOrCreateContactAsync(string phone, string name)
    {
        var (snapshot, created) = await _contacts.EnqueueAsync(new PendingContact(phone, name));
        return new ContactResult(snapshot, created);
    }

    /// <inheritdoc />
    public async Task<LeadResult> FindOrCreateLeadAsync(NewLead lead)
    {
        ArgumentNullException.ThrowIfNull(lead);
        var (snapshot, created) = await _leads.EnqueueAsync(lead);
        return new LeadResult(snapshot, created);
    }

    /// <inheritdoc />
    public async Task<ContactSnapshot?> FetchContactAsync(long amoCrmId)
    {
        var contact = await CallAsync((api, token, ct) => api.GetContactAsync(token, amoCrmId, ct), retryUnknownOutcome: true);
        if (contact is null || contact.IsDeleted)
        {
            return null;
        }

        var snapshot = ToSnapshot(contact);
        await ContactGrain(snapshot.AmoCrmId).ApplyAsync(snapshot, readFromAmoCrm: true);
        return snapshot;
    }

    /// <inheritdoc />
    public Task SyncContactsAsync() => _contactSync.RunAsync();

    /// <inheritdoc />
    public Task SyncLeadsAsync() => _leadSync.RunAsync();

    /// <inheritdoc />
    public async Task<WebhookSubscription> SubscribeWebhooksAsync(Uri publicBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(publicBaseUrl);
        var state = _state.State;
        var secret = state.WebhookSecret ?? WebhookSecrets.Create();
        var destination = new Uri(publicBaseUrl, $"webhooks/amocrm/{secret}");
        if (state.WebhookDestination is { } previous && previous != destination)
        {
            await CallAsync((api, token, ct) => api.UnsubscribeWebhookAsync(token, new WebhookUnsubscribeRequest { Destination = previous.AbsoluteUri }, ct), retryUnknownOutcome: true);
        }

        await CallAsync(
            (api, token, ct) => api.SubscribeWebhookAsync(token, new WebhookSubscribeRequest { Destination = destination.AbsoluteUri, Settings = [.. WebhookEvents] }, ct),
            retryUnknownOutcome: true);
        await Registry.RegisterWebhookAsync(WebhookSecrets.Hash(secret), Subdomain);
        state.WebhookSecret = secret;
        state.WebhookDestination = destination;
        state.WebhookSince ??= _time.GetUtcNow();
        await SaveStateAsync();
        LogSubscribed(_logger, Subdomain);
        return Subscription;
    }

    /// <inheritdoc />
    public async Task<WebhookSubscription> UnsubscribeWebhooksAsync()
    {
        var state = _state.State;
        if (state.WebhookDestination is { } destination)
        {
            await CallAsync((api, token, ct) => api.UnsubscribeWebhookAsync(token, new WebhookUnsubscribeRequest { Destination = destination.AbsoluteUri }, ct), retryUnknownOutcome: true);
        }

        if (state.WebhookSecret is { } secret)
        {
            await Registry.UnregisterWebhookAsync(WebhookSecrets.Hash(secret));
        }

        state.WebhookSecret = null;
        state.WebhookDestination = null;
        state.WebhookSince = null;
        await SaveStateAsync();
        LogUnsubscribed(_logger, Subdomain);
        return Subscription;
    }

    /// <inheritdoc />
    public async Task<bool> OwnsDeliveryAsync(string? subdomain, long? amoCrmAccountId)
    {
        if (subdomain is null && amoCrmAccountId is null)
        {
            return false;
        }

        if (subdomain is not null && !string.Equals(subdomain, Subdomain, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (amoCrmAccountId is null)
        {
            return true;
        }

        return amoCrmAccountId == await AmoCrmAccountIdAsync();
    }

    /// <inheritdoc />
    public Task<AccountSyncStatus> GetSyncStatusAsync()
    {
        var state = _state.State;
        return Task.FromResult(new AccountSyncStatus(
            Subdomain,
            _budget.PerSecond,
            _budget.InLastSecond,
            _requestsTotal,
            _rateLimitedTotal,
            state.ContactsSynced ? DateTimeOffset.FromUnixTimeSeconds(state.ContactsCursor) : null,
            state.LeadsSynced ? DateTimeOffset.FromUnixTimeSeconds(state.LeadsCursor) : null,
            Subscription));
    }

    /// <inheritdoc />
    public async Task<ApiProbeOutcome> ProbeApiAsync(CheckType checkType, TimeSpan timeout, string? marker = null)
    {
        if (checkType == CheckType.Web || (checkType == CheckType.Dp && string.IsNullOrEmpty(marker)))
        {
            throw new ArgumentOutOfRangeException(nameof(checkType), checkType, "The account grain probes GET, POST, HOOK and DP (with a marker) only.");
        }

        string token;
        long target = 0;
        try
        {
            token = await AccessTokenAsync(forceRefreshOf: null);
            if (checkType == CheckType.Post)
            {
                if (await TestLeadAsync() is not { } lead)
                {
                    return NotConfigured($"No test lead is configured for the POST probe: set AmoHub:Accounts:N:TestLeadId for account {Subdomain}.");
                }

                target = lead;
            }
            else if (checkType == CheckType.Dp)
            {
                if (_state.State.WebhookDestination is null)
                {
                    return NotConfigured(
                        $"amoCRM's webhooks are not subscribed for account {Subdomain}, so the Digital Pipeline probe cannot see its change come back: POST /api/amocrm/webhooks.");
                }

                if (await TestContactAsync() is not { } contact)
                {
                    return NotConfigured($"No test contact is configured for the Digital Pipeline probe: set AmoHub:Accounts:N:TestContactId for account {Subdomain}.");
                }

                target = contact;
            }
        }
        catch (AmoCrmException exception)
        {
            return new ApiProbeOutcome(exception.IsTransient ? HealthStatus.Down : HealthStatus.Warning, (int?)exception.Status, 0, exception.Message,
                CheckErrorCodes.For(exception.Failure));
        }

        using var budgetSlot = await _budget.WaitAsync(CancellationToken.None);
        CountRequest();
        var startedAt = _time.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        using var deadline = new CancellationTokenSource(timeout, _time);
        try
        {
            using IApiResponse response = checkType switch
            {
                CheckType.Get => await Api.GetAccountAsync(token, deadline.Token),
                CheckType.Hook => await Api.ListWebhooksAsync(token, deadline.Token),
                CheckType.Dp => await Api.UpdateContactAsync(token, target, new ContactPatch { Name = DigitalPipelineMarkers.ContactName(marker!) }, deadline.Token),
                _ => await Api.UpdateLeadAsync(token, target, new LeadPatch { Price = _time.GetUtcNow().ToUnixTimeSeconds() % 1_000_000 }, deadline.Token),
            };
            var elapsed = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var code = (int?)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new ApiProbeOutcome(HealthStatus.Up, code, elapsed, null, StartedAt: startedAt);
            }

            var failure = AmoCrmResponses.ToException(response);
            if (failure.Failure == AmoCrmFailure.RateLimited)
            {
                CountRateLimited();
            }

            // Client errors (token refused, no rights, rate limited) are warnings with a reason; amoCRM failing or
            // blocking the integration is down.
            var status = failure.Failure is AmoCrmFailure.Unavailable or AmoCrmFailure.Blocked ? HealthStatus.Down : HealthStatus.Warning;
            return new ApiProbeOutcome(status, code, elapsed, failure.Message, CheckErrorCodes.For(failure.Failure), startedAt);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            var elapsed = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            return deadline.IsCancellationRequested
                ? new ApiProbeOutcome(HealthStatus.Down, null, elapsed, $"amoCRM did not answer within {timeout.TotalSeconds:0.#} s.", CheckErrorCodes.Timeout, startedAt)
                : new ApiProbeOutcome(HealthStatus.Down, null, elapsed,
                    $"The request failed: {(exception as HttpRequestException)?.HttpRequestError.ToString() ?? exception.GetType().Name}.", CheckErrorCodes.ConnectionFailed, startedAt);
        }
    }

    private static ApiProbeOutcome NotConfigured(string message) =>
        new(HealthStatus.Warning, null, 0, message, CheckErrorCodes.NotConfigured);

    /// <summary>
    /// The contact the Digital Pipeline probe renames: the configured one, or in the sandbox one AmoHub creates once.
    /// A real account without a configured test contact gets none.
    /// </summary>
    private async Task<long?> TestContactAsync()
    {
        var state = _state.State;
        if (state.Definition?.TestContactId is { } configured)
        {
            return configured;
        }

        if (state.Definition?.IsSandbox != true)
        {
            return null;
        }

        if (state.SandboxTestContactId is null)
        {
            var request = new List<NewAmoContact> { new() { Name = DigitalPipelineMarkers.ContactName("setup"), RequestId = "0" } };
            var answer = await CallAsync((api, token, ct) => api.CreateContactsAsync(token, request, ct), retryUnknownOutcome: false);
            state.SandboxTestContactId = MapCreated(answer?.Embedded?.Contacts, 1, "contacts")[0];
            await SaveStateAsync();
        }

        return state.SandboxTestContactId;
    }

    /// <summary>
    /// The lead the POST probe writes to: the configured one, or in the sandbox one AmoHub creates once. A real
    /// account without a configured test lead gets none: AmoHub does not put leads into a sales pipeline by itself.
    /// </summary>
    private async Task<long?> TestLeadAsync()
    {
        var state = _state.State;
        if (state.Definition?.TestLeadId is { } configured)
        {
            return configured;
        }

        if (state.Definition?.IsSandbox != true)
        {
            return null;
        }

        if (state.SandboxTestLeadId is null)
        {
            var request = new List<NewAmoLead> { new() { Name = "AmoHub monitor (POST probe)", RequestId = "0" } };
            var answer = await CallAsync((api, token, ct) => api.CreateLeadsAsync(token, request, ct), retryUnknownOutcome: false);
            state.SandboxTestLeadId = MapCreated(answer?.Embedded?.Leads, 1, "leads")[0];
            await SaveStateAsync();
        }

        return state.SandboxTestLeadId;
    }

    private WebhookSubscription Subscription => new(
        _state.State.WebhookDestination is not null,
        _state.State.WebhookDestination is null ? [] : WebhookEvents,
        _state.State.WebhookSince);

    private IAccountRegistryGrain Registry => GrainFactory.GetGrain<IAccountRegistryGrain>(IAccountRegistryGrain.Key);

    private IContactGrain ContactGrain(long id) => GrainFactory.GetGrain<IContactGrain>(GrainKeys.Contact(Subdomain, id));

    private ILeadGrain LeadGrain(long id) => GrainFactory.GetGrain<ILeadGrain>(GrainKeys.Lead(Subdomain, id));

    private async Task<long> AmoCrmAccountIdAsync()
    {
        if (_state.State.AmoCrmAccountId is { } known)
        {
            return known;
        }

        var account = await CallAsync((api, token, ct) => api.GetAccountAsync(token, ct), retryUnknownOutcome: true)
            ?? throw new AmoCrmException(AmoCrmFailure.Unexpected, null, "amoCRM answered GET /api/v4/account with no content.");
        _state.State.AmoCrmAccountId = account.Id;
        await SaveStateAsync();
        return account.Id;
    }

    // ---- contacts -------------------------------------------------------------------------------------------

    private async Task<IReadOnlyList<ContactSnapshot>> CreateContactsAsync(IReadOnlyList<PendingContact> items)
    {
        var request = items.Select((item, index) => new NewAmoContact
        {
            Name = item.Name,
            RequestId = index.ToString(CultureInfo.InvariantCulture),
            CustomFieldsValues = [new NewAmoCustomField { FieldCode = "PHONE", Values = [new NewAmoFieldValue { Value = item.Phone, EnumCode = "WORK" }] }],
        }).ToList();
        var answer = await CallAsync((api, token, ct) => api.CreateContactsAsync(token, request, ct), retryUnknownOutcome: false);
        var ids = MapCreated(answer?.Embedded?.Contacts, items.Count, "contacts");
        // amoCRM answers a create with ids only. Our snapshot is stamped a second before now, so whatever amoCRM
        // says about the contact later (a sync, a webhook) is newer and wins.
        var stamp = FromUnix(_time.GetUtcNow().ToUnixTimeSeconds() - 1);
        var created = items.Select((item, index) => new ContactSnapshot(ids[index], item.Name, [item.Phone], stamp, stamp)).ToList();
        await Task.WhenAll(created.Select(contact => ContactGrain(contact.AmoCrmId).ApplyAsync(contact, readFromAmoCrm: false)));
        LogCreated(_logger, Subdomain, created.Count, "contacts");
        return created;
    }

    private async Task SyncContactsCoreAsync()
    {
        var state = _state.State;
        var from = state.ContactsSynced ? state.ContactsCursor : (long?)null;
        var newest = state.ContactsCursor;
        var heldBack = long.MaxValue;
        for (var page = 1; ; page++)
        {
            var list = await CallAsync(
                (api, token, ct) => api.ListContactsAsync(token, page, PageSize, from, "asc", ct), retryUnknownOutcome: true);
            var contacts = list?.Embedded?.Contacts ?? [];
            var done = await Task.WhenAll(contacts.Select(contact => _deadLetters.ApplyOrSetAsideAsync(Subdomain, "sync", WebhookEntity.Contact, contact.Id, () => contact.IsDeleted
                ? ContactGrain(contact.Id).DeleteAsync(FromUnix(contact.UpdatedAt))
                : ContactGrain(contact.Id).ApplyAsync(ToSnapshot(contact), readFromAmoCrm: true))));
            newest = contacts.Select(c => c.UpdatedAt).Append(newest).Max();
            heldBack = contacts.Where((_, i) => !done[i]).Select(c => c.UpdatedAt - 1).Append(heldBack).Min();
            if (contacts.Count < PageSize)
            {
                break;
            }
        }

        // An entity that failed and was kept is read again by the next sync: the cursor stays before it. It never
        // passes now, whatever time an entity claims, or a sync from there would miss every change until then.
        newest = Math.Max(Math.Min(Math.Min(newest, heldBack), _time.GetUtcNow().ToUnixTimeSeconds()), state.ContactsCursor);
        if (!state.ContactsSynced || newest != state.ContactsCursor)
        {
            state.ContactsSynced = true;
            state.ContactsCursor = newest;
            await SaveStateAsync();
        }
    }

    private ContactSnapshot ToSnapshot(AmoContact contact)
    {
        var phones = (contact.CustomFieldsValues ?? [])
            .Where(field => string.Equals(field.FieldCode, "PHONE", StringComparison.OrdinalIgnoreCase))
            .SelectMany(field => field.Values)
            .Select(value => _phones.TryNormalize(value.Text, out var e164) ? e164 : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToImmutableArray();
        return new ContactSnapshot(contact.Id, contact.Name ?? "", phones, FromUnix(contact.CreatedAt), FromUnix(contact.UpdatedAt));
    }

    // ---- leads ----------------------------------------------------------------------------------------------

    private async Task<IReadOnlyList<LeadSnapshot>> CreateLeadsAsync(IReadOnlyList<NewLead> items)
    {
        var request = items.Select((item, index) => new NewAmoLead
        {
            Name = item.Name,
            RequestId = index.ToString(CultureInfo.InvariantCulture),
            StatusId = item.StatusId,
            Embedded = item.MainContactId is { } contact
                ? new NewAmoLeadEmbedded { Contacts = [new AmoLinkedContact { Id = contact, IsMain = true }] }
                : null,
        }).ToList();
        var answer = await CallAsync((api, token, ct) => api.CreateLeadsAsync(token, request, ct), retryUnknownOutcome: false);
        var ids = MapCreated(answer?.Embedded?.Leads, items.Count, "leads");

        // amoCRM answers a create with ids only; one sync brings the status and pipeline it chose.
        await _leadSync.RunAsync();
        var created = new List<LeadSnapshot>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var now = _time.GetUtcNow();
            var lead = await LeadGrain(ids[i]).GetAsync()
                ?? new LeadSnapshot(ids[i], items[i].Name, items[i].StatusId, null, items[i].MainContactId, now, now);
            await LeadGrain(ids[i]).ApplyAsync(lead, readFromAmoCrm: false);
            created.Add(lead);
        }

        LogCreated(_logger, Subdomain, created.Count, "leads");
        return created;
    }

    private async Task SyncLeadsCoreAsync()
    {
        var state = _state.State;
        var from = state.LeadsSynced ? state.LeadsCursor : (long?)null;
        var newest = state.LeadsCursor;
        var heldBack = long.MaxValue;
        for (var page = 1; ; page++)
        {
            var list = await CallAsync(
                (api, token, ct) => api.ListLeadsAsync(token, page, PageSize, from, "asc", "contacts", ct), retryUnknownOutcome: true);
            var leads = list?.Embedded?.Leads ?? [];
            var done = await Task.WhenAll(leads.Select(lead => _deadLetters.ApplyOrSetAsideAsync(Subdomain, "sync", WebhookEntity.Lead, lead.Id, () => lead.IsDeleted
                ? LeadGrain(lead.Id).DeleteAsync(FromUnix(lead.UpdatedAt))
                : LeadGrain(lead.Id).ApplyAsync(ToSnapshot(lead), readFromAmoCrm: true))));
            newest = leads.Select(l => l.UpdatedAt).Append(newest).Max();
            heldBack = leads.Where((_, i) => !done[i]).Select(l => l.UpdatedAt - 1).Append(heldBack).Min();
            if (leads.Count < PageSize)
            {
                break;
            }
        }

        newest = Math.Max(Math.Min(Math.Min(newest, heldBack), _time.GetUtcNow().ToUnixTimeSeconds()), state.LeadsCursor);
        if (!state.LeadsSynced || newest != state.LeadsCursor)
        {
            state.LeadsSynced = true;
            state.LeadsCursor = newest;
            await SaveStateAsync();
        }
    }

    private static LeadSnapshot ToSnapshot(AmoLead lead)
    {
        var contacts = lead.Embedded?.Contacts ?? [];
        var main = contacts.FirstOrDefault(c => c.IsMain) ?? contacts.FirstOrDefault();
        return new LeadSnapshot(lead.Id, lead.Name ?? "", lead.StatusId, lead.PipelineId, main?.Id, FromUnix(lead.CreatedAt), FromUnix(lead.UpdatedAt));
    }

    // ---- transport ------------------------------------------------------------------------------------------

    private IAmoCrmApi Api
    {
        get
        {
            if (_api is null)
            {
                var definition = _state.State.Definition
                    ?? throw new AmoCrmException(AmoCrmFailure.Unexpected, null, $"Account {Subdomain} is not configured.");
                var http = _httpClients.CreateClient(HttpClientName);
                http.BaseAddress = definition.BaseUrl;
                http.Timeout = Timeout.InfiniteTimeSpan;
                _api = RestService.For<IAmoCrmApi>(http, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(AmoCrmJson.Options) });
            }

            return _api;
        }
    }

    /// <summary>
    /// One amoCRM call within the budget. A 429 is retried after a pause (amoCRM rejected it, so nothing
    /// happened); a 401 refreshes an OAuth token once; 5xx answers and timeouts are retried only when
    /// <paramref name="retryUnknownOutcome"/> says that repeating the call cannot make anything twice.
    /// </summary>
    private async Task<T?> CallAsync<T>(Func<IAmoCrmApi, string, CancellationToken, Task<IApiResponse<T>>> call, bool retryUnknownOutcome)
        where T : class
    {
        var refreshed = false;
        for (var attempt = 1; ; attempt++)
        {
            var token = await AccessTokenAsync(forceRefreshOf: null);
            AmoCrmException failure;
            using (await _budget.WaitAsync(CancellationToken.None))
            using (var timeout = new CancellationTokenSource(_settings.RequestTimeout, _time))
            {
                CountRequest();
                try
                {
                    using var response = await call(Api, token, timeout.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        return AmoCrmResponses.ContentOrThrow(response);
                    }

                    failure = AmoCrmResponses.ToException(response);
                }
                catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
                {
                    failure = AmoCrmResponses.Unreachable(exception);
                }
            }

            if (failure.Failure == AmoCrmFailure.Unauthorized && _secrets.Credentials?.IsOAuth == true && !refreshed)
            {
                refreshed = true;
                await AccessTokenAsync(forceRefreshOf: token);
                continue;
            }

            if (failure.Failure == AmoCrmFailure.RateLimited)
            {
                CountRateLimited();
                LogRateLimited(_logger, Subdomain);
            }

            var retry = failure.Failure == AmoCrmFailure.RateLimited || (failure.Failure == AmoCrmFailure.Unavailable && retryUnknownOutcome);
            if (!retry || attempt >= _settings.MaxAttempts)
            {
                throw failure;
            }

            await BackOffAsync(attempt);
        }
    }

    /// <summary>
    /// Writes the state, one write at a time: this grain is reentrant, and two overlapping writes of one state
    /// would race on its version. A caller that finds a write in flight waits for it, then writes again, so its
    /// own changes are stored too.
    /// </summary>
    private async Task SaveStateAsync()
    {
        while (_saving is { IsCompleted: false } inFlight)
        {
            await inFlight;
        }

        _saving = _state.WriteStateAsync();
        await _saving;
    }

    /// <summary>Takes new secrets: in memory as they are, into the state sealed (written by the caller).</summary>
    private void KeepSecrets(AccountSecrets secrets)
    {
        _secrets = secrets;
        _state.State.SealedSecrets = secrets.Seal(_protector);
    }

    private void CountRequest()
    {
        _requestsTotal++;
        AmoCrmMetrics.CountRequest(Subdomain);
    }

    private void CountRateLimited()
    {
        _rateLimitedTotal++;
        AmoCrmMetrics.CountRateLimited(Subdomain);
    }

    private Task WaitForBudgetRoomAsync() => _budget.WaitForRoomAsync(CancellationToken.None);

    private Task BackOffAsync(int attempt) =>
        Task.Delay(TimeSpan.FromMilliseconds(Math.Min(250 * Math.Pow(2, attempt - 1), 5_000)), _time);

    /// <summary>
    /// The access token to send. For OAuth, refreshes it when it is about to expire, or when amoCRM refused
    /// <paramref name="forceRefreshOf"/> and nobody has refreshed it since. One refresh at a time: everyone else
    /// waits for it.
    /// </summary>
    private async Task<string> AccessTokenAsync(string? forceRefreshOf)
    {
        var state = _state.State;
        var secrets = _secrets;
        var credentials = secrets.Credentials
            ?? throw new AmoCrmException(AmoCrmFailure.Unauthorized, null, $"No amoCRM credentials are configured for account {Subdomain}.");
        if (!credentials.IsOAuth)
        {
            return secrets.AccessToken
                ?? throw new AmoCrmException(AmoCrmFailure.Unauthorized, null, $"No amoCRM access token is configured for account {Subdomain}.");
        }

        var fresh = secrets.AccessToken is not null
            && state.AccessTokenRefreshAt is { } refreshAt && refreshAt > _time.GetUtcNow();
        if (fresh && (forceRefreshOf is null || forceRefreshOf != secrets.AccessToken))
        {
            return secrets.AccessToken!;
        }

        var refresh = _refresh;
        if (refresh is null || refresh.IsCompleted)
        {
            _refresh = refresh = RefreshAsync(credentials);
        }

        return await refresh;
    }

    private async Task<string> RefreshAsync(AccountCredentials credentials)
    {
        var state = _state.State;
        var refreshToken = _secrets.RefreshToken;
        var byCode = refreshToken is null;
        var request = new TokenRequest
        {
            ClientId = credentials.ClientId!,
            ClientSecret = credentials.ClientSecret ?? "",
            GrantType = byCode ? "authorization_code" : "refresh_token",
            Code = byCode ? credentials.AuthorizationCode : null,
            RefreshToken = byCode ? null : refreshToken,
            RedirectUri = credentials.RedirectUri?.AbsoluteUri ?? "",
        };
        if (byCode && credentials.AuthorizationCode is null)
        {
            throw new AmoCrmException(AmoCrmFailure.Unauthorized, null, $"Account {Subdomain} has neither a refresh token nor an authorization code: authorize AmoHub in amoCRM again.");
        }

        using var budgetSlot = await _budget.WaitAsync(CancellationToken.None);
        CountRequest();
        TokenResponse? token;
        using (var timeout = new CancellationTokenSource(_settings.RequestTimeout, _time))
        {
            try
            {
                using var response = await Api.RequestTokenAsync(request, timeout.Token);
                if (!response.IsSuccessStatusCode)
                {
                    var failure = AmoCrmResponses.ToException(response);
                    LogRefreshFailed(_logger, Subdomain, (int)response.StatusCode.GetValueOrDefault());
                    throw failure.Failure == AmoCrmFailure.Invalid
                        ? new AmoCrmException(AmoCrmFailure.Unauthorized, response.StatusCode, $"amoCRM refused to refresh the token of account {Subdomain} (it was revoked or used already): authorize AmoHub again.")
                        : failure;
                }

                token = response.Content;
            }
            catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
            {
                throw AmoCrmResponses.Unreachable(exception);
            }
        }

        if (token?.AccessToken is null || token.RefreshToken is null)
        {
            throw new AmoCrmException(AmoCrmFailure.Unexpected, null, "amoCRM's token answer had no token pair.");
        }

        // The old refresh token is dead from this moment: keep the new pair before anything uses it.
        KeepSecrets(new AccountSecrets(
            byCode ? credentials with { AuthorizationCode = null } : _secrets.Credentials, token.AccessToken, token.RefreshToken));
        // Refresh ahead of expiry: a minute early, or a fifth of the lifetime for short-lived tokens.
        var lifetime = TimeSpan.FromSeconds(token.ExpiresIn);
        state.AccessTokenExpiresAt = _time.GetUtcNow() + lifetime;
        state.AccessTokenRefreshAt = state.AccessTokenExpiresAt - TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, lifetime.Ticks / 5));
        await SaveStateAsync();
        LogRefreshed(_logger, Subdomain, state.AccessTokenExpiresAt);
        return token.AccessToken;
    }

    private static long[] MapCreated(List<CreatedEntity>? created, int count, string what)
    {
        var ids = new long[count];
        var seen = 0;
        foreach (var entity in created ?? [])
        {
            if (int.TryParse(entity.RequestId, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index >= 0 && index < count && ids[index] == 0)
            {
                ids[index] = entity.Id;
                seen++;
            }
        }

        return seen == count
            ? ids
            : throw new AmoCrmException(AmoCrmFailure.Unexpected, null, $"amoCRM answered a create of {count} {what} with {seen} matching ids.");
    }

    private static DateTimeOffset FromUnix(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds);

    private static string Fingerprint(AccountCredentials credentials) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new object?[]
        {
            credentials.AccessToken, credentials.ClientId, credentials.ClientSecret, credentials.RedirectUri?.AbsoluteUri,
            credentials.RefreshToken, credentials.AuthorizationCode,
        }))));

    /// <summary>A contact waiting for a find-or-create cycle.</summary>
    public sealed record PendingContact(string Phone, string Name);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Account {Account}: credentials configured ({Kind})")]
    private static partial void LogCredentialsConfigured(ILogger logger, string account, string kind);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Account {Account}: access token refreshed, valid until {Expires}")]
    private static partial void LogRefreshed(ILogger logger, string account, DateTimeOffset? expires);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "Account {Account}: amoCRM refused the token refresh with {Status}")]
    private static partial void LogRefreshFailed(ILogger logger, string account, int status);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Account {Account}: amoCRM answered 429 although AmoHub paces itself; another integration may share the budget")]
    private static partial void LogRateLimited(ILogger logger, string account);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Account {Account}: created {Count} {What} in amoCRM")]
    private static partial void LogCreated(ILogger logger, string account, int count, string what);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Account {Account}: webhooks subscribed")]
    private static partial void LogSubscribed(ILogger logger, string account);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "Account {Account}: webhooks unsubscribed")]
    private static partial void LogUnsubscribed(ILogger logger, string account);
}
