using System.Collections.Immutable;
using System.Globalization;
using AmoHub.Grains.Crm;
using AmoHub.Grains.Interfaces.Accounts;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Security;
using AmoHub.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace AmoHub.Grains.AmoCrm;

/// <summary>
/// The only caller of amoCRM for one account: a thin grain over plain parts, each with one job, all run on this
/// grain's scheduler. Reentrant, so many requests are in flight at once:
/// <list type="bullet">
/// <item><see cref="AmoCrmConnection"/>: tokens, sealed secrets, the request budget, calls with retries;</item>
/// <item><see cref="EntitySync{TEntity}"/>: one sync of our copy for contacts and one for leads, each coalesced;</item>
/// <item><see cref="DedupCreatePump{TItem, TSnapshot}"/>: concurrent finds-or-creates share a sync and a create request;</item>
/// <item><see cref="AmoCrmPipelines"/>: the lead pipelines, read once and kept, and where a new lead goes;</item>
/// <item><see cref="AmoCrmWebhooks"/>: the webhook subscription; <see cref="AmoCrmProbeCalls"/>: the API probes.</item>
/// </list>
/// </summary>
[Reentrant]
[GrainType("account")]
public sealed partial class AccountGrain : Grain, IAccountGrain
{
    private readonly IPersistentState<AccountState> _state;
    private readonly PhoneNormalizer _phones;
    private readonly TimeProvider _time;
    private readonly ILogger<AccountGrain> _logger;
    private readonly AmoCrmConnection _connection;
    private readonly AmoCrmWebhooks _webhooks;
    private readonly AmoCrmProbeCalls _probes;
    private readonly AmoCrmPipelines _pipelines;
    private readonly DedupCreatePump<PendingContact, ContactSnapshot> _contacts;
    private readonly DedupCreatePump<NewLead, LeadSnapshot> _leads;
    private readonly Coalescer _contactSync;
    private readonly Coalescer _leadSync;
    private Task? _saving;

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
        ArgumentNullException.ThrowIfNull(settings);
        _state = state;
        _phones = phones;
        _time = time;
        _logger = logger;
        var amoCrm = settings.Value;
        _connection = new AmoCrmConnection(state, SaveStateAsync, () => Subdomain, httpClients, amoCrm, time, protector, logger);
        _webhooks = new AmoCrmWebhooks(state, SaveStateAsync, () => Subdomain, _connection, GrainFactory, time, logger);
        _probes = new AmoCrmProbeCalls(state, SaveStateAsync, () => Subdomain, _connection, time);
        _pipelines = new AmoCrmPipelines(() => Subdomain, () => _state.State.Definition?.DefaultPipelineId, _connection, logger);
        var contactSync = new EntitySync<AmoContact>(WebhookEntity.Contact, () => Subdomain,
            async (page, from) => await _connection.CallAsync(
                (api, token, ct) => api.ListContactsAsync(token, page, EntitySync<AmoContact>.PageSize, from, "asc", ct), retryUnknownOutcome: true) is { } list
                ? new SyncPage<AmoContact>(list.Embedded?.Contacts ?? [], list.HasNext)
                : new SyncPage<AmoContact>([], false),
            contact => contact.IsDeleted
                ? ContactGrain(contact.Id).DeleteAsync(FromUnix(contact.UpdatedAt))
                : ContactGrain(contact.Id).ApplyAsync(ToSnapshot(contact), readFromAmoCrm: true),
            () => new SyncCursor(_state.State.ContactsSynced, _state.State.ContactsCursor),
            cursor =>
            {
                (_state.State.ContactsSynced, _state.State.ContactsCursor) = cursor;
                return SaveStateAsync();
            },
            deadLetters, time);
        var leadSync = new EntitySync<AmoLead>(WebhookEntity.Lead, () => Subdomain,
            async (page, from) => await _connection.CallAsync(
                (api, token, ct) => api.ListLeadsAsync(token, page, EntitySync<AmoLead>.PageSize, from, "asc", "contacts", ct), retryUnknownOutcome: true) is { } list
                ? new SyncPage<AmoLead>(list.Embedded?.Leads ?? [], list.HasNext)
                : new SyncPage<AmoLead>([], false),
            lead => lead.IsDeleted
                ? LeadGrain(lead.Id).DeleteAsync(FromUnix(lead.UpdatedAt))
                : LeadGrain(lead.Id).ApplyAsync(ToSnapshot(lead), readFromAmoCrm: true),
            () => new SyncCursor(_state.State.LeadsSynced, _state.State.LeadsCursor),
            cursor =>
            {
                (_state.State.LeadsSynced, _state.State.LeadsCursor) = cursor;
                return SaveStateAsync();
            },
            deadLetters, time);
        _contactSync = new Coalescer(contactSync.RunAsync);
        _leadSync = new Coalescer(leadSync.RunAsync);
        _contacts = new DedupCreatePump<PendingContact, ContactSnapshot>(
            item => item.Phone, _connection.WaitForRoomAsync, _contactSync.RunAsync, item => ourCopy.FindContactAsync(Subdomain, item.Phone), CreateContactsAsync, amoCrm, _connection.BackOffAsync);
        _leads = new DedupCreatePump<NewLead, LeadSnapshot>(
            item => NameKeys.Normalize(item.Name), _connection.WaitForRoomAsync, _leadSync.RunAsync, item => ourCopy.FindLeadAsync(Subdomain, item.Name), CreateLeadsAsync, amoCrm, _connection.BackOffAsync);
    }

    private string Subdomain => _state.State.Definition?.Subdomain
        ?? this.GetPrimaryKeyString()["account:".Length..];

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await _connection.OpenAsync();
        AmoCrmMetrics.Track(Subdomain, _connection.Budget);
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        AmoCrmMetrics.Untrack(Subdomain, _connection.Budget);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task ConfigureAsync(AccountDefinition account, AccountCredentials? credentials)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (_connection.Configure(account, credentials))
        {
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
        var placed = lead with { PipelineId = await _pipelines.ResolveAsync(lead.PipelineId, lead.StatusId) };
        var (snapshot, created) = await _leads.EnqueueAsync(placed);
        return new LeadResult(snapshot, created);
    }

    /// <inheritdoc />
    public Task<long> ResolvePipelineAsync(long? pipelineId, long? statusId) => _pipelines.ResolveAsync(pipelineId, statusId);

    /// <inheritdoc />
    public async Task<ContactSnapshot?> FetchContactAsync(long amoCrmId)
    {
        var contact = await _connection.CallAsync((api, token, ct) => api.GetContactAsync(token, amoCrmId, ct), retryUnknownOutcome: true);
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
    public Task<WebhookSubscription> SubscribeWebhooksAsync(Uri publicBaseUrl) => _webhooks.SubscribeAsync(publicBaseUrl);

    /// <inheritdoc />
    public Task<WebhookSubscription> UnsubscribeWebhooksAsync() => _webhooks.UnsubscribeAsync();

    /// <inheritdoc />
    public Task<bool> OwnsDeliveryAsync(string? subdomain, long? amoCrmAccountId) => _webhooks.OwnsDeliveryAsync(subdomain, amoCrmAccountId);

    /// <inheritdoc />
    public Task<AccountSyncStatus> GetSyncStatusAsync()
    {
        var state = _state.State;
        return Task.FromResult(new AccountSyncStatus(
            Subdomain,
            _connection.Budget.PerSecond,
            _connection.Budget.InLastSecond,
            _connection.RequestsTotal,
            _connection.RateLimitedTotal,
            state.ContactsSynced ? DateTimeOffset.FromUnixTimeSeconds(state.ContactsCursor) : null,
            state.LeadsSynced ? DateTimeOffset.FromUnixTimeSeconds(state.LeadsCursor) : null,
            _webhooks.Subscription));
    }

    /// <inheritdoc />
    public Task<CheckOutcome> ProbeApiAsync(CheckType checkType, TimeSpan timeout, string? marker = null) =>
        _probes.RunAsync(checkType, timeout, marker);

    private IContactGrain ContactGrain(long id) => GrainFactory.GetGrain<IContactGrain>(GrainKeys.Contact(Subdomain, id));

    private ILeadGrain LeadGrain(long id) => GrainFactory.GetGrain<ILeadGrain>(GrainKeys.Lead(Subdomain, id));

    private async Task<IReadOnlyList<ContactSnapshot>> CreateContactsAsync(IReadOnlyList<PendingContact> items)
    {
        var request = items.Select((item, index) => new NewAmoContact
        {
            Name = item.Name,
            RequestId = index.ToString(CultureInfo.InvariantCulture),
            CustomFieldsValues = [new NewAmoCustomField { FieldCode = "PHONE", Values = [new NewAmoFieldValue { Value = item.Phone, EnumCode = "WORK" }] }],
        }).ToList();
        var answer = await _connection.CallAsync((api, token, ct) => api.CreateContactsAsync(token, request, ct), retryUnknownOutcome: false);
        var ids = AmoCrmConnection.MapCreated(answer?.Embedded?.Contacts, items.Count, "contacts");
        // amoCRM answers a create with ids only. Our snapshot is stamped a second before now, so whatever amoCRM
        // says about the contact later (a sync, a webhook) is newer and wins.
        var stamp = FromUnix(_time.GetUtcNow().ToUnixTimeSeconds() - 1);
        var created = items.Select((item, index) => new ContactSnapshot(ids[index], item.Name, [item.Phone], stamp, stamp)).ToList();
        await Task.WhenAll(created.Select(contact => ContactGrain(contact.AmoCrmId).ApplyAsync(contact, readFromAmoCrm: false)));
        LogCreated(_logger, Subdomain, created.Count, "contacts");
        return created;
    }

    private async Task<IReadOnlyList<LeadSnapshot>> CreateLeadsAsync(IReadOnlyList<NewLead> items)
    {
        var request = items.Select((item, index) => new NewAmoLead
        {
            Name = item.Name,
            RequestId = index.ToString(CultureInfo.InvariantCulture),
            StatusId = item.StatusId,
            PipelineId = item.PipelineId,
            Embedded = item.MainContactId is { } contact
                ? new NewAmoLeadEmbedded { Contacts = [new AmoLinkedContact { Id = contact, IsMain = true }] }
                : null,
        }).ToList();
        var answer = await _connection.CallAsync((api, token, ct) => api.CreateLeadsAsync(token, request, ct), retryUnknownOutcome: false);
        var ids = AmoCrmConnection.MapCreated(answer?.Embedded?.Leads, items.Count, "leads");

        // amoCRM answers a create with ids only; one sync brings the status and pipeline it chose.
        await _leadSync.RunAsync();
        var created = new List<LeadSnapshot>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var now = _time.GetUtcNow();
            var lead = await LeadGrain(ids[i]).GetAsync()
                ?? new LeadSnapshot(ids[i], items[i].Name, items[i].StatusId, items[i].PipelineId, items[i].MainContactId, now, now);
            await LeadGrain(ids[i]).ApplyAsync(lead, readFromAmoCrm: false);
            created.Add(lead);
        }

        LogCreated(_logger, Subdomain, created.Count, "leads");
        return created;
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

    private static LeadSnapshot ToSnapshot(AmoLead lead)
    {
        var contacts = lead.Embedded?.Contacts ?? [];
        var main = contacts.FirstOrDefault(c => c.IsMain) ?? contacts.FirstOrDefault();
        return new LeadSnapshot(lead.Id, lead.Name ?? "", lead.StatusId, lead.PipelineId, main?.Id, FromUnix(lead.CreatedAt), FromUnix(lead.UpdatedAt));
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

    private static DateTimeOffset FromUnix(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds);

    /// <summary>A contact waiting for a find-or-create cycle.</summary>
    public sealed record PendingContact(string Phone, string Name);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Account {Account}: created {Count} {What} in amoCRM")]
    private static partial void LogCreated(ILogger logger, string account, int count, string what);
}
