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
using Refit;

namespace AmoHub.Grains.AmoCrm;

/// <summary>
/// The only caller of amoCRM for one account: a thin grain over plain parts, each with one job, all run on this
/// grain's scheduler. Reentrant, so many requests are in flight at once:
/// <list type="bullet">
/// <item><see cref="AmoCrmConnection"/>: tokens, sealed secrets, the request budget, calls with retries;</item>
/// <item><see cref="EntitySync{TEntity}"/>: one sync of our copy for contacts and one for leads, each coalesced; the first
/// one, the import, runs in the background within its share of the budget, kept going by a reminder;</item>
/// <item><see cref="DedupCreatePump{TItem, TSnapshot}"/>: concurrent finds-or-creates share a sync and a create request;</item>
/// <item><see cref="AmoCrmPipelines"/>: the lead pipelines, read once and kept, and where a new lead goes;</item>
/// <item><see cref="AmoCrmWebhooks"/>: the webhook subscription; <see cref="AmoCrmProbeCalls"/>: the API probes.</item>
/// </list>
/// </summary>
[Reentrant]
[GrainType("account")]
public sealed partial class AccountGrain : Grain, IAccountGrain, IRemindable, IDisposable
{
    private const string ImportReminder = "import";
    private const string ReconcileReminder = "reconcile";

    /// <summary>Phones, emails and names a search reads at most this many pages of matches for.</summary>
    private const int SearchPages = 4;

    private static readonly TimeSpan FirstImportPause = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LastImportPause = TimeSpan.FromMinutes(5);

    private readonly IPersistentState<AccountState> _state;
    private readonly PhoneNormalizer _phones;
    private readonly TimeProvider _time;
    private readonly ILogger<AccountGrain> _logger;
    private readonly OurCopy _ourCopy;
    private readonly RequestBudget _importBudget;
    private readonly CancellationTokenSource _stopping = new();
    private readonly AmoCrmSettings _settings;
    private readonly Coalescer _reconcile;
    private readonly AmoCrmReconciliation _full;
    private Task? _recovering;
    private readonly AmoCrmConnection _connection;
    private readonly AmoCrmWebhooks _webhooks;
    private readonly AmoCrmProbeCalls _probes;
    private readonly AmoCrmPipelines _pipelines;
    private readonly AmoCrmFields _fields;
    private readonly DedupCreatePump<NewContact, ContactSnapshot> _contacts;
    private readonly DedupCreatePump<NewLead, LeadSnapshot> _leads;

    /// <summary>Leads a complex add made with a contact, by the contact's id, until the contact's request takes its own.</summary>
    private readonly Dictionary<long, LeadSnapshot> _leadsMadeWith = [];
    private readonly Coalescer _contactSync;
    private readonly Coalescer _leadSync;
    private readonly EntitySync<AmoContact> _contactSyncer;
    private readonly EntitySync<AmoLead> _leadSyncer;
    private readonly ImportTracker _contactImport;
    private readonly ImportTracker _leadImport;
    private Task? _saving;
    private Task? _import;
    private bool _contactsTouched;
    private bool _leadsTouched;

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
        _ourCopy = ourCopy;
        var amoCrm = settings.Value;
        _settings = amoCrm;
        _reconcile = new Coalescer(ReconcileDeletionsAsync);
        // A share of the account's budget, not a second guard of amoCRM's window: every import request also takes a
        // slot of the connection's budget, which keeps the margin. A margin here too would cost the import a tenth.
        _importBudget = new RequestBudget(amoCrm.ImportRequestsPerSecond, TimeSpan.Zero, time);
        _connection = new AmoCrmConnection(state, SaveStateAsync, () => Subdomain, httpClients, amoCrm, time, protector, logger);
        _webhooks = new AmoCrmWebhooks(state, SaveStateAsync, () => Subdomain, _connection, GrainFactory, time, logger);
        _probes = new AmoCrmProbeCalls(state, SaveStateAsync, () => Subdomain, _connection, time);
        _pipelines = new AmoCrmPipelines(() => Subdomain, () => _state.State.Definition?.DefaultPipelineId, _connection, logger);
        _fields = new AmoCrmFields(() => Subdomain, _connection, logger);
        _contactImport = new ImportTracker(
            () => new ImportPosition(_state.State.ContactsImportRead, _state.State.ContactsImportOldest),
            position => (_state.State.ContactsImportRead, _state.State.ContactsImportOldest) = position,
            () => new SyncCursor(_state.State.ContactsSynced, _state.State.ContactsCursor), progress => LogImport(WebhookEntity.Contact, progress), time);
        _leadImport = new ImportTracker(
            () => new ImportPosition(_state.State.LeadsImportRead, _state.State.LeadsImportOldest),
            position => (_state.State.LeadsImportRead, _state.State.LeadsImportOldest) = position,
            () => new SyncCursor(_state.State.LeadsSynced, _state.State.LeadsCursor), progress => LogImport(WebhookEntity.Lead, progress), time);
        _contactSyncer = new EntitySync<AmoContact>(WebhookEntity.Contact, () => Subdomain,
            (page, from) => ReadPageAsync(_state.State.ContactsSynced, async () =>
            {
                // The import's first page (it has no position yet): this import reads every contact's emails.
                _state.State.ContactsImportReadEmails |= from is null;
                return await _connection.CallAsync(
                    (api, token, ct) => api.ListContactsAsync(token, page, EntitySync<AmoContact>.PageSize, from, "asc", null, ct), retryUnknownOutcome: true) is { } list
                    ? new SyncPage<AmoContact>(list.Embedded?.Contacts ?? [], list.HasNext)
                    : new SyncPage<AmoContact>([], false);
            }),
            contact => contact.IsDeleted
                ? ContactGrain(contact.Id).DeleteAsync(FromUnix(contact.UpdatedAt))
                : ContactGrain(contact.Id).ApplyAsync(ToSnapshot(contact), readFromAmoCrm: true),
            () => new SyncCursor(_state.State.ContactsSynced, _state.State.ContactsCursor),
            cursor =>
            {
                (_state.State.ContactsSynced, _state.State.ContactsCursor) = cursor;
                return SaveStateAsync();
            },
            _contactImport, deadLetters, time);
        _leadSyncer = new EntitySync<AmoLead>(WebhookEntity.Lead, () => Subdomain,
            (page, from) => ReadPageAsync(_state.State.LeadsSynced, async () => await _connection.CallAsync(
                (api, token, ct) => api.ListLeadsAsync(token, page, EntitySync<AmoLead>.PageSize, from, "asc", "contacts", ct), retryUnknownOutcome: true) is { } list
                ? new SyncPage<AmoLead>(list.Embedded?.Leads ?? [], list.HasNext)
                : new SyncPage<AmoLead>([], false)),
            lead => lead.IsDeleted
                ? LeadGrain(lead.Id).DeleteAsync(FromUnix(lead.UpdatedAt))
                : LeadGrain(lead.Id).ApplyAsync(ToSnapshot(lead), readFromAmoCrm: true),
            () => new SyncCursor(_state.State.LeadsSynced, _state.State.LeadsCursor),
            cursor =>
            {
                (_state.State.LeadsSynced, _state.State.LeadsCursor) = cursor;
                return SaveStateAsync();
            },
            _leadImport, deadLetters, time);
        _full = new AmoCrmReconciliation(
            () => Subdomain,
            (page, from) => ReadPageAsync(imported: false, async () => await _connection.CallAsync(
                (api, token, ct) => api.ListContactsAsync(token, page, EntitySync<AmoContact>.PageSize, from, "asc", null, ct), retryUnknownOutcome: true) is { } list
                ? new SyncPage<AmoContact>(list.Embedded?.Contacts ?? [], list.HasNext)
                : new SyncPage<AmoContact>([], false)),
            (page, from) => ReadPageAsync(imported: false, async () => await _connection.CallAsync(
                (api, token, ct) => api.ListLeadsAsync(token, page, EntitySync<AmoLead>.PageSize, from, "asc", "contacts", ct), retryUnknownOutcome: true) is { } list
                ? new SyncPage<AmoLead>(list.Embedded?.Leads ?? [], list.HasNext)
                : new SyncPage<AmoLead>([], false)),
            async contact => Compared(await ContactGrain(contact.Id).GetAsync() is { } kept ? kept.UpdatedAt : null, contact.UpdatedAt,
                await ContactGrain(contact.Id).ApplyAsync(ToSnapshot(contact), readFromAmoCrm: true)),
            async lead => Compared(await LeadGrain(lead.Id).GetAsync() is { } kept ? kept.UpdatedAt : null, lead.UpdatedAt,
                await LeadGrain(lead.Id).ApplyAsync(ToSnapshot(lead), readFromAmoCrm: true)),
            leads => ourCopy.IdsAsync(Subdomain, leads),
            RemoveUnlistedAsync,
            deadLetters,
            time);
        _contactSync = new Coalescer(() => SyncStepAsync(_contactSyncer, () => Take(ref _contactsTouched), ReadRecentContactsAsync));
        _leadSync = new Coalescer(() => SyncStepAsync(_leadSyncer, () => Take(ref _leadsTouched), ReadRecentLeadsAsync));
        _contacts = new DedupCreatePump<NewContact, ContactSnapshot>(
            item => item.Phone is { } phone ? "phone:" + phone : "email:" + item.Email, _connection.WaitForRoomAsync, () => SyncForCreatesAsync(SyncContactsAsync, () => _contactSyncer.Imported), FindContactAsync, CreateContactsAsync, amoCrm, _connection.BackOffAsync);
        _leads = new DedupCreatePump<NewLead, LeadSnapshot>(
            item => NameKeys.Normalize(item.Name), _connection.WaitForRoomAsync, () => SyncForCreatesAsync(SyncLeadsAsync, () => _leadSyncer.Imported), FindLeadAsync, CreateLeadsAsync, amoCrm, _connection.BackOffAsync);
    }

    private string Subdomain => _state.State.Definition?.Subdomain
        ?? this.GetPrimaryKeyString()["account:".Length..];

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await _connection.OpenAsync();
        AmoCrmMetrics.Track(Subdomain, _connection.Budget);
        EnsureImport();
        if (_connection.HasCredentials)
        {
            _ = KeepReconcilingAsync();
        }
    }

    /// <summary>
    /// The reminder of the periodic reconciliation, registered beside the activation, not holding it up, and only when
    /// its period is not the one stored as registered: an activation costs no reminder write.
    /// </summary>
    private async Task KeepReconcilingAsync()
    {
        if (_state.State.ReconcileEvery == _settings.ReconcileInterval)
        {
            return;
        }

        try
        {
            await this.RegisterOrUpdateReminder(ReconcileReminder, _settings.ReconcileInterval, _settings.ReconcileInterval);
            _state.State.ReconcileEvery = _settings.ReconcileInterval;
            await SaveStateAsync();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogRecoveryFailed(_logger, exception, Subdomain);
        }
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        AmoCrmMetrics.Untrack(Subdomain, _connection.Budget);
        _stopping.Cancel();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose() => _stopping.Dispose();

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ImportReminder)
        {
            // A silo that stopped between the import's end and its reminder's removal leaves the reminder behind.
            if (_contactSyncer.Imported && _leadSyncer.Imported)
            {
                return ForgetReminderAsync();
            }

            EnsureImport();
        }
        else if (reminderName == ReconcileReminder && _contactSyncer.Imported && _leadSyncer.Imported)
        {
            ReconcileInBackground();
        }

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

        EnsureImport();
    }

    /// <inheritdoc />
    public async Task<ContactResult> FindOrCreateContactAsync(NewContact contact)
    {
        ArgumentNullException.ThrowIfNull(contact);
        if (contact.Phone is null && contact.Email is null)
        {
            throw new ArgumentException("A contact to find needs a phone or an email.", nameof(contact));
        }

        var (snapshot, created) = await _contacts.EnqueueAsync(contact);
        var lead = created && _leadsMadeWith.Remove(snapshot.AmoCrmId, out var made) ? made : null;
        return new ContactResult(snapshot, created, lead);
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
    public Task<ImmutableArray<ResolvedField>> ResolveFieldsAsync(FieldEntity entity, ImmutableArray<FieldInput> fields) =>
        _fields.ResolveAsync(entity, fields);

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
    public Task SyncContactsAsync()
    {
        _contactsTouched = !_contactSyncer.Imported;
        EnsureImport();
        return _contactSync.RunAsync();
    }

    /// <inheritdoc />
    public Task SyncLeadsAsync()
    {
        _leadsTouched = !_leadSyncer.Imported;
        EnsureImport();
        return _leadSync.RunAsync();
    }

    /// <inheritdoc />
    public Task CatchUpAsync()
    {
        InBackground(SyncContactsAsync());
        InBackground(SyncLeadsAsync());
        return Task.CompletedTask;
    }

    private void InBackground(Task sync) => sync.ContinueWith(
        task => LogRecoveryFailed(_logger, task.Exception, Subdomain), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Current);

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
            _webhooks.Subscription,
            _contactImport.Report(),
            _leadImport.Report(),
            _full.Status));
    }

    /// <inheritdoc />
    public Task<Reconciliation> ReconcileAsync() => Task.FromResult(_full.Start(InBackground));

    /// <summary>What an entity read by a reconciliation was to our copy, from our copy's time before it was applied.</summary>
    private static EntityDifference Compared(DateTimeOffset? kept, long amoCrmUpdatedAt, bool applied) => kept switch
    {
        null when applied => EntityDifference.Missing,
        { } ours when applied && ours < FromUnix(amoCrmUpdatedAt) => EntityDifference.Stale,
        _ => EntityDifference.Same,
    };

    /// <summary>
    /// Removes from our copy a contact or lead amoCRM did not list live, unless our copy changed it after the
    /// reconciliation began (AmoHub made or changed it meanwhile); whether it was removed.
    /// </summary>
    private async Task<bool> RemoveUnlistedAsync(bool lead, long id, DateTimeOffset began)
    {
        DateTimeOffset? updated = lead ? (await LeadGrain(id).GetAsync())?.UpdatedAt : (await ContactGrain(id).GetAsync())?.UpdatedAt;
        if (updated is not { } at || at >= began)
        {
            return false;
        }

        var now = _time.GetUtcNow();
        await (lead ? LeadGrain(id).DeleteAsync(now) : ContactGrain(id).DeleteAsync(now));
        return true;
    }

    /// <inheritdoc />
    public async Task<CheckOutcome> ProbeApiAsync(CheckType checkType, TimeSpan timeout, string? marker = null)
    {
        var outcome = await _probes.RunAsync(checkType, timeout, marker);
        var troubled = outcome.ErrorCode is CheckErrorCodes.WebhookMissing or CheckErrorCodes.WebhookDisabled
            || (checkType == CheckType.Hook && _probes.WebhookEventsMissing);
        if (troubled && _settings.ResubscribeWebhooks && _recovering is not { IsCompleted: false })
        {
            _recovering = RecoverWebhookAsync();
        }

        return outcome;
    }

    /// <summary>
    /// Subscribes AmoHub's webhook again (same destination, same secret) after amoCRM dropped or switched it off, or
    /// when it lacks events AmoHub applies now (a subscription an earlier version made), then reads what changed
    /// meanwhile: a sync from the last position, and the contacts and leads deleted since the last pass.
    /// </summary>
    private async Task RecoverWebhookAsync()
    {
        try
        {
            if (!await _webhooks.ResubscribeAsync())
            {
                return;
            }

            LogResubscribed(_logger, Subdomain);
            await SyncContactsAsync();
            await SyncLeadsAsync();
            await _reconcile.RunAsync();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogRecoveryFailed(_logger, exception, Subdomain);
        }
    }

    private void ReconcileInBackground() => InBackground(_reconcile.RunAsync());

    /// <summary>
    /// Reads the contacts and leads amoCRM deleted since the last pass (<c>with=only_deleted</c>, oldest first) and
    /// deletes them from our copy, freeing their phones and names: a deletion made while no webhook came is otherwise
    /// never heard of. The positions are stored after the pass; a restored entity comes back through its webhook or the
    /// next sync.
    /// </summary>
    private async Task ReconcileDeletionsAsync()
    {
        var state = _state.State;
        var (contacts, contactsTo) = await ReadDeletedAsync(
            (page, from) => _connection.CallAsync((api, token, ct) => api.ListContactsAsync(token, page, EntitySync<AmoContact>.PageSize, from, "asc", "only_deleted", ct), retryUnknownOutcome: true),
            list => list.Embedded?.Contacts,
            contact => ContactGrain(contact.Id).DeleteAsync(FromUnix(contact.UpdatedAt)),
            state.ContactsReconciledTo);
        var (leads, leadsTo) = await ReadDeletedAsync(
            (page, from) => _connection.CallAsync((api, token, ct) => api.ListLeadsAsync(token, page, EntitySync<AmoLead>.PageSize, from, "asc", "only_deleted", ct), retryUnknownOutcome: true),
            list => list.Embedded?.Leads,
            lead => LeadGrain(lead.Id).DeleteAsync(FromUnix(lead.UpdatedAt)),
            state.LeadsReconciledTo);
        (state.ContactsReconciledTo, state.LeadsReconciledTo) = (contactsTo, leadsTo);
        await SaveStateAsync();
        LogReconciled(_logger, Subdomain, contacts, leads);
    }

    /// <summary>Deletes from our copy every entity amoCRM lists as deleted since <paramref name="from"/>; how many, and how far it read.</summary>
    private async Task<(int Count, long ReadTo)> ReadDeletedAsync<TEmbedded, T>(
        Func<int, long?, Task<HalList<TEmbedded>?>> read, Func<HalList<TEmbedded>, IReadOnlyList<T>?> entities, Func<T, Task> delete, long from)
        where TEmbedded : class
        where T : IAmoEntity
    {
        var newest = from;
        var count = 0;
        for (var page = 1; ; page++)
        {
            var list = await read(page, from > 0 ? from : null);
            var deleted = list is null ? [] : entities(list) ?? [];
            await Task.WhenAll(deleted.Select(delete));
            count += deleted.Count;
            newest = deleted.Select(entity => entity.UpdatedAt).Append(newest).Max();
            if (list is null || !list.HasNext || deleted.Count == 0)
            {
                return (count, Math.Min(newest, _time.GetUtcNow().ToUnixTimeSeconds()));
            }
        }
    }

    /// <summary>
    /// Starts the first import in the background when the account has credentials and it has not ended. A reminder
    /// wakes the grain while it runs, so an import cut short by a restart or a failover goes on by itself.
    /// </summary>
    private void EnsureImport()
    {
        if (_import is { IsCompleted: false } || _stopping.IsCancellationRequested || !_connection.HasCredentials)
        {
            return;
        }

        if (!(_contactSyncer.Imported && _leadSyncer.Imported))
        {
            _import = ImportAsync();
        }
    }

    private async Task ImportAsync()
    {
        await this.RegisterOrUpdateReminder(ImportReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        var pause = FirstImportPause;
        while (!(_contactSyncer.Imported && _leadSyncer.Imported) && !_stopping.IsCancellationRequested)
        {
            try
            {
                // Contacts first: dedup of new contacts needs them most.
                await (_contactSyncer.Imported ? _leadSync : _contactSync).RunAsync();
                pause = FirstImportPause;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                LogImportFailed(_logger, exception, Subdomain, pause.TotalSeconds);
                try
                {
                    await Task.Delay(pause, _time, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LastImportPause.Ticks));
            }
        }

        await ForgetReminderAsync();
    }

    private async Task ForgetReminderAsync()
    {
        if (await this.GetReminder(ImportReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>
    /// Reads one list page. The import reads within its share of the budget, so that probes and live requests keep
    /// theirs; later syncs read as any request does. A grain going away stops the import between pages.
    /// </summary>
    private async Task<SyncPage<T>> ReadPageAsync<T>(bool imported, Func<Task<SyncPage<T>>> read)
    {
        if (imported)
        {
            return await read();
        }

        using (await _importBudget.WaitAsync(_stopping.Token))
        {
            return await read();
        }
    }

    /// <summary>
    /// One run of a sync: after the import, a sync from the cursor; during it, the import's next page. While the
    /// import runs, the webhook inbox's call for a sync after applying events (<paramref name="touched"/>) first reads
    /// what changed last: the runs take turns, so that read comes after any page read before those events and
    /// applied after them, and amoCRM's current answer is what stays.
    /// </summary>
    private static async Task SyncStepAsync<T>(EntitySync<T> syncer, Func<bool> touched, Func<Task> readRecent)
        where T : IAmoEntity
    {
        if (syncer.Imported)
        {
            await syncer.RunAsync();
            return;
        }

        if (touched())
        {
            await readRecent();
        }

        await syncer.RunAsync(maxPages: 1);
    }

    private static bool Take(ref bool flag)
    {
        var was = flag;
        flag = false;
        return was;
    }

    private async Task ReadRecentContactsAsync()
    {
        var list = await _connection.CallAsync(
            (api, token, ct) => api.ListContactsAsync(token, 1, EntitySync<AmoContact>.PageSize, null, "desc", null, ct), retryUnknownOutcome: true);
        await Task.WhenAll((list?.Embedded?.Contacts ?? []).Select(contact => ContactGrain(contact.Id).ApplyAsync(ToSnapshot(contact), readFromAmoCrm: true)));
    }

    private async Task ReadRecentLeadsAsync()
    {
        var list = await _connection.CallAsync(
            (api, token, ct) => api.ListLeadsAsync(token, 1, EntitySync<AmoLead>.PageSize, null, "desc", "contacts", ct), retryUnknownOutcome: true);
        await Task.WhenAll((list?.Embedded?.Leads ?? []).Select(lead => LeadGrain(lead.Id).ApplyAsync(ToSnapshot(lead), readFromAmoCrm: true)));
    }

    /// <summary>
    /// Brings our copy up to date for a create cycle and says whether it is complete. While the import runs, the
    /// cycle waits for the sync's next turn, which reads what changed last first (so a change a webhook could not
    /// settle is in), and our copy is not complete.
    /// </summary>
    private static async Task<bool> SyncForCreatesAsync(Func<Task> sync, Func<bool> imported)
    {
        var complete = imported();
        await sync();
        return complete;
    }

    /// <summary>
    /// The contact holding <paramref name="item"/>'s phone, else the one holding its email: a contact matched by either
    /// is the same contact. One found by one value gets the other when it lacks it and no other contact holds it, so the
    /// next request by that value alone finds it too.
    /// </summary>
    private async Task<ContactSnapshot?> FindContactAsync(NewContact item, bool complete)
    {
        var byPhone = item.Phone is { } phone ? await FindByPhoneAsync(phone, complete) : null;
        if (item.Email is not { } email || byPhone?.Emails.Contains(email) == true)
        {
            return byPhone;
        }

        var byEmail = await FindHolderAsync(
            await _ourCopy.FindContactByEmailAsync(Subdomain, email),
            complete && _state.State.ContactsImportReadEmails,
            email,
            contact => contact.Emails.Contains(email));
        return (byPhone, byEmail) switch
        {
            ({ } found, null) => await AddValueAsync(found, "EMAIL", email, contact => contact.Emails.Contains(email)),
            (null, { } found) when item.Phone is { } missing => await AddValueAsync(found, "PHONE", missing, contact => contact.Phones.Contains(missing)),
            _ => byPhone ?? byEmail,
        };
    }

    private async Task<ContactSnapshot?> FindByPhoneAsync(string phone, bool complete)
    {
        var digits = string.Concat(phone.Where(char.IsAsciiDigit));
        return await FindHolderAsync(
            await _ourCopy.FindContactAsync(Subdomain, phone), complete, digits[Math.Max(0, digits.Length - 10)..], contact => contact.Phones.Contains(phone));
    }

    /// <summary>
    /// Adds a phone or an email to a contact in amoCRM, beside the values it has as people wrote them (a field sent
    /// replaces all its values, so the contact is read first), and our copy learns the change. The contact as it was
    /// when amoCRM no longer has it or already holds the value.
    /// </summary>
    private async Task<ContactSnapshot> AddValueAsync(ContactSnapshot contact, string code, string value, Func<ContactSnapshot, bool> holds)
    {
        var current = await _connection.CallAsync((api, token, ct) => api.GetContactAsync(token, contact.AmoCrmId, ct), retryUnknownOutcome: true);
        if (current is null || current.IsDeleted || holds(ToSnapshot(current)))
        {
            return contact;
        }

        var values = (current.CustomFieldsValues ?? []).Where(field => field.FieldCode == code).SelectMany(field => field.Values)
            .Select(kept => new NewAmoTypedValue { Value = kept.Text, EnumCode = kept.EnumCode })
            .Append(new NewAmoTypedValue { Value = value, EnumCode = "WORK" })
            .ToList();
        var patch = new ContactPatch { CustomFieldsValues = [new NewAmoFieldValues { FieldCode = code, Values = values }] };
        AmoContact? updated;
        try
        {
            updated = await _connection.CallAsync((api, token, ct) => api.UpdateContactAsync(token, contact.AmoCrmId, patch, ct), retryUnknownOutcome: true);
        }
        catch (AmoCrmException exception) when (exception.Failure == AmoCrmFailure.Invalid)
        {
            // The contact is found all the same; only the value it lacks is not added (amoCRM refused it).
            LogValueRefused(_logger, exception, Subdomain, contact.AmoCrmId, code);
            return contact;
        }

        var before = ToSnapshot(current);
        var after = code == "PHONE" ? before with { Phones = before.Phones.Add(value) } : before with { Emails = before.Emails.Add(value) };
        after = after with { UpdatedAt = updated is { UpdatedAt: > 0 } ? FromUnix(updated.UpdatedAt) : before.UpdatedAt };
        await ContactGrain(contact.AmoCrmId).ApplyAsync(after, readFromAmoCrm: true);
        LogValueAdded(_logger, Subdomain, contact.AmoCrmId, code);
        return await ContactGrain(contact.AmoCrmId).GetAsync() ?? after;
    }

    /// <summary>
    /// Of the contact our copy holds a phone or email for (<paramref name="ours"/>) and, while our copy is not
    /// <paramref name="complete"/>, the oldest that amoCRM's search for <paramref name="query"/> serves and that
    /// <paramref name="holds"/> the value, the older (amoCRM may not index a contact made a moment ago; our copy holds it).
    /// </summary>
    private async Task<ContactSnapshot?> FindHolderAsync(ContactSnapshot? ours, bool complete, string query, Func<ContactSnapshot, bool> holds)
    {
        if (complete)
        {
            return ours;
        }

        var found = await SearchAsync(
            (api, token, page, ct) => api.SearchContactsAsync(token, query, page, EntitySync<AmoContact>.PageSize, ct),
            list => list.Embedded?.Contacts,
            contact => !contact.IsDeleted && holds(ToSnapshot(contact)));
        return await OlderOfAsync(ours, ours?.AmoCrmId, found, async contact =>
        {
            await ContactGrain(contact.Id).ApplyAsync(ToSnapshot(contact), readFromAmoCrm: true);
            return await ContactGrain(contact.Id).GetAsync();
        });
    }

    /// <summary>The lead with <paramref name="item"/>'s name, found as <see cref="FindHolderAsync"/> finds contacts.</summary>
    private async Task<LeadSnapshot?> FindLeadAsync(NewLead item, bool complete)
    {
        var ours = await _ourCopy.FindLeadAsync(Subdomain, item.Name);
        if (complete)
        {
            return ours;
        }

        var key = NameKeys.Normalize(item.Name);
        var found = await SearchAsync(
            (api, token, page, ct) => api.SearchLeadsAsync(token, item.Name, page, EntitySync<AmoLead>.PageSize, "contacts", ct),
            list => list.Embedded?.Leads,
            lead => !lead.IsDeleted && NameKeys.Normalize(lead.Name ?? "") == key);
        return await OlderOfAsync(ours, ours?.AmoCrmId, found, async lead =>
        {
            await LeadGrain(lead.Id).ApplyAsync(ToSnapshot(lead), readFromAmoCrm: true);
            return await LeadGrain(lead.Id).GetAsync();
        });
    }

    /// <summary>The oldest (lowest id) entity amoCRM's search serves that <paramref name="matches"/>, following <c>_links.next</c>.</summary>
    private async Task<T?> SearchAsync<TEmbedded, T>(
        Func<IAmoCrmApi, string, int, CancellationToken, Task<IApiResponse<HalList<TEmbedded>>>> search,
        Func<HalList<TEmbedded>, IReadOnlyList<T>?> entities,
        Func<T, bool> matches)
        where TEmbedded : class
        where T : class, IAmoEntity
    {
        T? oldest = null;
        for (var page = 1; page <= SearchPages; page++)
        {
            var list = await _connection.CallAsync((api, token, ct) => search(api, token, page, ct), retryUnknownOutcome: true);
            if (list is null)
            {
                break;
            }

            foreach (var entity in (entities(list) ?? []).Where(matches))
            {
                oldest = oldest is null || entity.Id < oldest.Id ? entity : oldest;
            }

            if (!list.HasNext)
            {
                break;
            }
        }

        return oldest;
    }

    /// <summary>
    /// Of our copy's answer and amoCRM's, the older (lower id): amoCRM's is put into our copy first, and what our copy
    /// then holds is the answer (it may know a newer version).
    /// </summary>
    private static async Task<TSnapshot?> OlderOfAsync<T, TSnapshot>(TSnapshot? ours, long? oursId, T? found, Func<T, Task<TSnapshot?>> keep)
        where T : class, IAmoEntity
        where TSnapshot : class
    {
        if (found is null || oursId <= found.Id)
        {
            return ours;
        }

        return await keep(found) ?? ours;
    }

    private IContactGrain ContactGrain(long id) => GrainFactory.GetGrain<IContactGrain>(GrainKeys.Contact(Subdomain, id));

    private ILeadGrain LeadGrain(long id) => GrainFactory.GetGrain<ILeadGrain>(GrainKeys.Lead(Subdomain, id));

    /// <summary>
    /// Creates contacts. Those that bring a lead amoCRM has no lead of that name for are made with it in one complex add
    /// when they fit one (up to 50): one request where a contact create and a lead create would be two; beyond that
    /// the contacts join the create of the others, and their leads are made in a batch after them.
    /// </summary>
    private async Task<IReadOnlyList<ContactSnapshot>> CreateContactsAsync(IReadOnlyList<NewContact> items)
    {
        var withLeads = await WithNewLeadsAsync(items);
        var alone = items.Where(item => !withLeads.Contains(item)).ToList();
        var made = new Dictionary<NewContact, ContactSnapshot>(ReferenceEqualityComparer.Instance);
        if (alone.Count > 0)
        {
            var request = alone.Select((item, index) => new NewAmoContact
            {
                Name = item.Name,
                RequestId = index.ToString(CultureInfo.InvariantCulture),
                CustomFieldsValues = ContactFields(item),
            }).ToList();
            var answer = await _connection.CallAsync((api, token, ct) => api.CreateContactsAsync(token, request, ct), retryUnknownOutcome: false);
            var ids = AmoCrmConnection.MapCreated(answer?.Embedded?.Contacts, alone.Count, "contacts");
            for (var i = 0; i < alone.Count; i++)
            {
                made[alone[i]] = NewSnapshot(ids[i], alone[i]);
            }
        }

        if (withLeads.Count > 0)
        {
            var pairs = withLeads.ToList();
            var request = pairs.Select((item, index) =>
                ToAmoLead(item.Lead!, index, new NewAmoLeadContact { Name = item.Name, CustomFieldsValues = ContactFields(item) })).ToList();
            var answer = await _connection.CallAsync((api, token, ct) => api.CreateLeadsComplexAsync(token, request, ct), retryUnknownOutcome: false);
            var ids = AmoCrmConnection.MapCreated(
                answer?.Select(lead => new CreatedEntity { Id = lead.ContactId ?? 0, RequestId = lead.RequestId?.FirstOrDefault() }).Where(contact => contact.Id > 0).ToList(),
                pairs.Count,
                "complex leads' contacts");
            var leadIds = AmoCrmConnection.MapCreated(
                answer?.Select(lead => new CreatedEntity { Id = lead.Id, RequestId = lead.RequestId?.FirstOrDefault() }).ToList(), pairs.Count, "complex leads");
            for (var i = 0; i < pairs.Count; i++)
            {
                made[pairs[i]] = NewSnapshot(ids[i], pairs[i]);
            }

            await Task.WhenAll(made.Values.Select(contact => ContactGrain(contact.AmoCrmId).ApplyAsync(contact, readFromAmoCrm: false)));
            var leads = await KeepCreatedLeadsAsync([.. pairs.Select((item, index) => item.Lead! with { MainContactId = ids[index] })], leadIds);
            for (var i = 0; i < pairs.Count; i++)
            {
                _leadsMadeWith[ids[i]] = leads[i];
            }
        }
        else
        {
            await Task.WhenAll(made.Values.Select(contact => ContactGrain(contact.AmoCrmId).ApplyAsync(contact, readFromAmoCrm: false)));
        }

        LogCreated(_logger, Subdomain, made.Count, "contacts");
        return [.. items.Select(item => made[item])];
    }

    /// <summary>
    /// Of the contacts to create, those that bring a lead to make with them in one complex add: when all of them fit one
    /// request and amoCRM has no lead of their lead's name (the lead's lock, held by their caller, keeps AmoHub from
    /// making one meanwhile). None when more bring one: plain batches of 250 then take fewer requests.
    /// </summary>
    private async Task<HashSet<NewContact>> WithNewLeadsAsync(IReadOnlyList<NewContact> items)
    {
        var bringing = items.Where(item => item.Lead is not null).ToList();
        var pairs = new HashSet<NewContact>(ReferenceEqualityComparer.Instance);
        if (bringing.Count is 0 or > AmoCrmSettings.MaxComplexBatchSize)
        {
            return pairs;
        }

        var complete = await SyncForCreatesAsync(SyncLeadsAsync, () => _leadSyncer.Imported);
        foreach (var item in bringing)
        {
            if (await FindLeadAsync(item.Lead!, complete) is null)
            {
                pairs.Add(item);
            }
        }

        return pairs;
    }

    /// <summary>A new contact as our copy keeps it until amoCRM says more: a second before now, so whatever amoCRM says later wins.</summary>
    private ContactSnapshot NewSnapshot(long id, NewContact item)
    {
        var stamp = FromUnix(_time.GetUtcNow().ToUnixTimeSeconds() - 1);
        return new ContactSnapshot(id, item.Name, OneOrNone(item.Phone), stamp, stamp, OneOrNone(item.Email));
    }

    /// <summary>A new contact's fields: its phone and email as WORK values, and its custom field values.</summary>
    private static List<NewAmoFieldValues> ContactFields(NewContact item) =>
        [.. WorkValue("PHONE", item.Phone), .. WorkValue("EMAIL", item.Email), .. (item.Fields.IsDefault ? [] : item.Fields.Select(ToAmoFieldValues))];

    /// <summary>A multitext field (PHONE, EMAIL) of a new contact holding <paramref name="value"/> as WORK; none without a value.</summary>
    private static IEnumerable<NewAmoFieldValues> WorkValue(string code, string? value) =>
        value is null ? [] : [new NewAmoFieldValues { FieldCode = code, Values = [new NewAmoTypedValue { Value = value, EnumCode = "WORK" }] }];

    private static ImmutableArray<string> OneOrNone(string? value) => value is null ? [] : [value];

    private async Task<IReadOnlyList<LeadSnapshot>> CreateLeadsAsync(IReadOnlyList<NewLead> items)
    {
        var request = items.Select((item, index) => ToAmoLead(item, index, newContact: null)).ToList();
        var answer = await _connection.CallAsync((api, token, ct) => api.CreateLeadsAsync(token, request, ct), retryUnknownOutcome: false);
        return await KeepCreatedLeadsAsync(items, AmoCrmConnection.MapCreated(answer?.Embedded?.Leads, items.Count, "leads"));
    }

    /// <summary>
    /// A lead of a create request: linked to its existing main contact, or, in a complex add, with
    /// <paramref name="newContact"/> to make with it.
    /// </summary>
    private static NewAmoLead ToAmoLead(NewLead item, int index, NewAmoLeadContact? newContact)
    {
        var contact = newContact ?? (item.MainContactId is { } id ? new NewAmoLeadContact { Id = id, IsMain = true } : null);
        return new NewAmoLead
        {
            Name = item.Name,
            RequestId = index.ToString(CultureInfo.InvariantCulture),
            StatusId = item.StatusId,
            PipelineId = item.PipelineId,
            Price = item.Price,
            CustomFieldsValues = item.Fields.IsDefaultOrEmpty ? null : [.. item.Fields.Select(ToAmoFieldValues)],
            Embedded = contact is null && item.Tags.IsDefaultOrEmpty ? null : new NewAmoLeadEmbedded
            {
                Contacts = contact is null ? null : [contact],
                Tags = item.Tags.IsDefaultOrEmpty ? null : [.. item.Tags.Select(tag => new NewAmoTag { Name = tag })],
            },
        };
    }

    /// <summary>
    /// After leads are made (<paramref name="ids"/>, in the order of <paramref name="items"/>): their notes, and our copy
    /// of them as amoCRM placed them.
    /// </summary>
    private async Task<IReadOnlyList<LeadSnapshot>> KeepCreatedLeadsAsync(IReadOnlyList<NewLead> items, long[] ids)
    {
        // A web form's comment goes on the lead this request made; a lead found by name gets none (its request may be a
        // repeat). Repeating the notes request after an unclear answer may add a note twice, never lose one.
        var notes = items.Select((item, index) => (item.Note, Id: ids[index]))
            .Where(pair => !string.IsNullOrEmpty(pair.Note))
            .Select(pair => new NewAmoNote { EntityId = pair.Id, Params = new NewAmoNoteParams { Text = pair.Note! } })
            .ToList();
        foreach (var batch in notes.Chunk(AmoCrmSettings.MaxCreateBatchSize))
        {
            await _connection.CallAsync((api, token, ct) => api.AddLeadNotesAsync(token, batch, ct), retryUnknownOutcome: true);
        }

        // amoCRM answers a create with ids only; one sync brings the status and pipeline it chose (while the import
        // runs, a read of those very leads does).
        if (_leadSyncer.Imported)
        {
            await _leadSync.RunAsync();
        }
        else if (await _connection.CallAsync((api, token, ct) => api.GetLeadsAsync(token, ids, "contacts", ct), retryUnknownOutcome: true) is { } made)
        {
            await Task.WhenAll((made.Embedded?.Leads ?? []).Select(lead => LeadGrain(lead.Id).ApplyAsync(ToSnapshot(lead), readFromAmoCrm: true)));
        }

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

    private static NewAmoFieldValues ToAmoFieldValues(ResolvedField field) => new()
    {
        FieldId = field.FieldId,
        Values = [.. field.Values.Select(value => new NewAmoTypedValue { Value = AmoCrmFields.Json(field.Type, value), EnumId = value.EnumId })],
    };

    private ContactSnapshot ToSnapshot(AmoContact contact)
    {
        var phones = ValuesOf(contact, "PHONE", text => _phones.TryNormalize(text, out var e164) ? e164 : null);
        var emails = ValuesOf(contact, "EMAIL", text => EmailAddresses.TryNormalize(text, out var email) ? email : null);
        return new ContactSnapshot(contact.Id, contact.Name ?? "", phones, FromUnix(contact.CreatedAt), FromUnix(contact.UpdatedAt), emails);
    }

    /// <summary>The values of the contact's field with this code, each in AmoHub's form (<paramref name="normalize"/>; null leaves it out), once each.</summary>
    private static ImmutableArray<string> ValuesOf(AmoContact contact, string code, Func<string?, string?> normalize) =>
        (contact.CustomFieldsValues ?? [])
            .Where(field => string.Equals(field.FieldCode, code, StringComparison.OrdinalIgnoreCase))
            .SelectMany(field => field.Values)
            .Select(value => normalize(value.Text))
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToImmutableArray();

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

    private void LogImport(WebhookEntity kind, ImportProgress progress)
    {
        if (progress.Complete)
        {
            LogImportComplete(_logger, Subdomain, kind, progress.Read);
        }
        else
        {
            LogImportProgress(_logger, Subdomain, kind, progress.Read, progress.EstimatedTotal, progress.PerSecond, progress.Eta);
        }
    }

    [LoggerMessage(EventId = 4009, Level = LogLevel.Information,
        Message = "Account {Account}: importing {Kind}s, {Read} read of about {Estimated}, {PerSecond}/s, {Eta} to go")]
    private static partial void LogImportProgress(ILogger logger, string account, WebhookEntity kind, long read, long? estimated, double? perSecond, TimeSpan? eta);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Account {Account}: the import of {Kind}s is complete, {Read} read")]
    private static partial void LogImportComplete(ILogger logger, string account, WebhookEntity kind, long read);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Warning, Message = "Account {Account}: the import stopped; it goes on from where it was in {Seconds} s")]
    private static partial void LogImportFailed(ILogger logger, Exception exception, string account, double seconds);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Account {Account}: amoCRM had dropped or switched off AmoHub's webhook; subscribed again, reading what changed meanwhile")]
    private static partial void LogResubscribed(ILogger logger, string account);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning, Message = "Account {Account}: catching up with amoCRM failed; the next check or pass tries again")]
    private static partial void LogRecoveryFailed(ILogger logger, Exception? exception, string account);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Information, Message = "Account {Account}: reconciled deletions, {Contacts} contacts and {Leads} leads deleted in amoCRM read")]
    private static partial void LogReconciled(ILogger logger, string account, int contacts, int leads);

    [LoggerMessage(EventId = 4028, Level = LogLevel.Information, Message = "Account {Account}: added the {Field} a request brought to contact {Contact}, found by its other value")]
    private static partial void LogValueAdded(ILogger logger, string account, long contact, string field);

    [LoggerMessage(EventId = 4029, Level = LogLevel.Warning, Message = "Account {Account}: amoCRM refused adding a {Field} to contact {Contact}")]
    private static partial void LogValueRefused(ILogger logger, Exception exception, string account, long contact, string field);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Account {Account}: created {Count} {What} in amoCRM")]
    private static partial void LogCreated(ILogger logger, string account, int count, string what);
}
