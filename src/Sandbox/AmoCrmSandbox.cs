using System.Collections.Concurrent;
using AmoHub.Sandbox.Accounts;
using AmoHub.Sandbox.Contacts;
using AmoHub.Sandbox.Faults;
using AmoHub.Sandbox.Http;
using AmoHub.Sandbox.Leads;
using AmoHub.Sandbox.Notes;
using AmoHub.Sandbox.Seeding;
using AmoHub.Sandbox.Tags;
using AmoHub.Sandbox.Webhooks;
using Microsoft.Extensions.Logging;

namespace AmoHub.Sandbox;

/// <summary>
/// The control surface of the amoCRM emulator, for tests and the dashboard: read an account's state, act as a
/// person in amoCRM's web UI, switch faults on and off. Accounts come into existence on first use of their
/// subdomain, here or over HTTP. Every member is thread-safe.
/// </summary>
public sealed class AmoCrmSandbox : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, SandboxAccount> _accounts = new(StringComparer.Ordinal);
    private readonly SandboxSettings _settings;
    private readonly ILogger _logger;
    private readonly WebhookDispatcher _dispatcher;
    private long _lastAccountId = 31_000_000;

    internal AmoCrmSandbox(SandboxSettings settings, ILogger logger)
    {
        _settings = settings;
        _logger = logger;
        _dispatcher = new WebhookDispatcher(settings, logger);
        AccessToken = settings.AccessToken is { Length: > 0 } token ? token : SandboxAccount.NewToken();
    }

    /// <summary>The long-lived access token: valid for every account, forever.</summary>
    public string AccessToken { get; }

    /// <summary>The subdomains of the accounts that exist, in order.</summary>
    public IReadOnlyList<string> Subdomains => _accounts.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Who the account is, whether it is blocked or unpaid, and its faults.</summary>
    public SandboxAccountInfo GetAccount(string subdomain) => Account(subdomain).Info();

    /// <summary>The account's counters: requests, 429s, refreshes, entities, deliveries.</summary>
    public SandboxStats GetStats(string subdomain) => Account(subdomain).Stats();

    /// <summary>Every contact of the account, by id.</summary>
    public IReadOnlyList<SandboxContact> GetContacts(string subdomain) => Account(subdomain).Contacts();

    /// <summary>Every deleted contact of the account, by id: amoCRM keeps them, out of its normal lists.</summary>
    public IReadOnlyList<SandboxContact> GetDeletedContacts(string subdomain) => Account(subdomain).DeletedContacts();

    /// <summary>The contact, or <c>null</c> when there is none with this id.</summary>
    public SandboxContact? GetContact(string subdomain, long id) => Account(subdomain).FindContact(id);

    /// <summary>Every lead of the account, by id.</summary>
    public IReadOnlyList<SandboxLead> GetLeads(string subdomain) => Account(subdomain).Leads();

    /// <summary>The lead, or <c>null</c> when there is none with this id.</summary>
    public SandboxLead? GetLead(string subdomain, long id) => Account(subdomain).FindLead(id);

    /// <summary>
    /// The notes on the lead <paramref name="entityId"/> (on the contact, with <see cref="SandboxEntityType.Contacts"/>),
    /// oldest first.
    /// </summary>
    public IReadOnlyList<SandboxNote> GetNotes(string subdomain, long entityId, SandboxEntityType entityType = SandboxEntityType.Leads) =>
        Account(subdomain).Notes(entityType, entityId);

    /// <summary>The account's tags of <paramref name="entityType"/>, by id.</summary>
    public IReadOnlyList<SandboxTag> GetTags(string subdomain, SandboxEntityType entityType) => Account(subdomain).Tags(entityType);

    /// <summary>The account's webhook subscriptions.</summary>
    public IReadOnlyList<SandboxWebhook> GetWebhooks(string subdomain) => Account(subdomain).Webhooks();

    /// <summary>Every webhook delivery attempt of the account (the latest 10,000), oldest first.</summary>
    public IReadOnlyList<SandboxDelivery> GetDeliveries(string subdomain) => Account(subdomain).Deliveries();

    /// <summary>
    /// The account's webhook deliveries still underway: an attempt waiting for its answer, or a retry waiting for its
    /// pause to end. Zero means every change made so far has had its last delivery attempt recorded.
    /// </summary>
    public int GetDeliveriesUnderway(string subdomain) => Account(subdomain).DeliveriesUnderway;

    /// <summary>
    /// Makes a single-use authorization code (valid 20 minutes), as a user granting an integration access would;
    /// trade it at <c>POST {subdomain}/oauth2/access_token</c>, sending <paramref name="redirectUri"/> exactly as
    /// written here (<see cref="Uri.OriginalString"/>), on that request and on every refresh after it.
    /// </summary>
    public string CreateAuthorizationCode(string subdomain, string clientId, string clientSecret, Uri redirectUri)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentException.ThrowIfNullOrEmpty(clientSecret);
        ArgumentNullException.ThrowIfNull(redirectUri);
        return Account(subdomain).CreateAuthorizationCode(clientId, clientSecret, redirectUri);
    }

    /// <summary>Creates a contact as a person in the web UI would; webhooks hear <c>add_contact</c>.</summary>
    public SandboxContact CreateContactAsUser(string subdomain, string name, IReadOnlyList<string>? phones = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var draft = new ContactDraft("0", null, name, null, null, Phones(phones), null, null, null);

        // A draft without tags names no tag id that could be missing: nothing refuses it.
        return Account(subdomain).CreateContacts([draft], SandboxAccount.UiUserId).Value![0];
    }

    /// <summary>
    /// Changes a contact as a person in the web UI would: <paramref name="phones"/> and <paramref name="emails"/>, when
    /// given, replace all phones or emails. Bumps <c>updated_at</c>; webhooks hear <c>update_contact</c>. <c>null</c>
    /// when there is no such contact.
    /// </summary>
    public SandboxContact? EditContactAsUser(
        string subdomain, long id, string? name = null, IReadOnlyList<string>? phones = null, IReadOnlyList<string>? emails = null)
    {
        var draft = new ContactDraft("0", id, name, null, null, phones is null ? null : Phones(phones), emails is null ? null : Phones(emails), null, null);
        var updated = Account(subdomain).UpdateContacts([draft], SandboxAccount.UiUserId);
        return updated.Failed ? null : updated.Value[0];
    }

    /// <summary>
    /// Deletes a contact as a person would; webhooks hear <c>delete_contact</c>. The deleted contact's <c>updated_at</c>
    /// is the time of deletion. <c>false</c> when there is none.
    /// </summary>
    public bool DeleteContactAsUser(string subdomain, long id) => Account(subdomain).DeleteContact(id, SandboxAccount.UiUserId);

    /// <summary>
    /// Restores a deleted contact as a person would from amoCRM's trash: it is listed again, no longer with
    /// <c>with=only_deleted</c>, and its <c>updated_at</c> is now; webhooks hear <c>restore_contact</c>. <c>null</c> when
    /// the account has no deleted contact with this id.
    /// </summary>
    public SandboxContact? RestoreContactAsUser(string subdomain, long id) => Account(subdomain).RestoreContact(id, SandboxAccount.UiUserId);

    /// <summary>
    /// Creates a lead as a person in the web UI would, linked to existing contacts (the first is the main one);
    /// webhooks hear <c>add_lead</c>.
    /// </summary>
    public SandboxLead CreateLeadAsUser(string subdomain, string name, long price = 0, long? statusId = null, IReadOnlyList<long>? contactIds = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var account = Account(subdomain);
        RequireStatus(account, statusId);
        var links = LeadDraft.Links((contactIds ?? []).Select((id, i) => (id, i == 0)));
        var draft = new LeadDraft("0", null, name, price, statusId, null, null, null, links, null);
        var created = account.CreateLeads([draft], SandboxAccount.UiUserId);
        return created.Failed ? throw new ArgumentException("A contact to link does not exist.", nameof(contactIds)) : created.Value[0];
    }

    /// <summary>
    /// Changes a lead as a person in the web UI would. Bumps <c>updated_at</c>; webhooks hear <c>update_lead</c>,
    /// and <c>status_lead</c> when the status changes. <c>null</c> when there is no such lead.
    /// </summary>
    public SandboxLead? EditLeadAsUser(string subdomain, long id, string? name = null, long? statusId = null, long? price = null)
    {
        var account = Account(subdomain);
        RequireStatus(account, statusId);
        var draft = new LeadDraft("0", id, name, price, statusId, null, null, null, [], null);
        var updated = account.UpdateLeads([draft], SandboxAccount.UiUserId);
        return updated.Failed ? null : updated.Value[0];
    }

    /// <summary>Makes the account's list pages hold at most <paramref name="cap"/> items (1 to 250), whatever <c>limit</c> asks.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cap"/> is not 1 to 250.</exception>
    public void SetPageCap(string subdomain, int cap) => Account(subdomain).PageCap = cap;

    /// <summary>Lets the account's list pages hold as many items as <c>limit</c> asks again, up to amoCRM's 250.</summary>
    public void ClearPageCap(string subdomain) => Account(subdomain).PageCap = ListQuery.MaxLimit;

    /// <summary>
    /// Deletes a lead as a person would; webhooks hear <c>delete_lead</c>. The account keeps it, out of its lists, to be
    /// restored. <c>false</c> when there is none.
    /// </summary>
    public bool DeleteLeadAsUser(string subdomain, long id) => Account(subdomain).DeleteLead(id, SandboxAccount.UiUserId);

    /// <summary>
    /// Restores a deleted lead as a person would from amoCRM's trash: it is listed again and its <c>updated_at</c> is
    /// now; webhooks hear <c>restore_lead</c>. <c>null</c> when the account has no deleted lead with this id.
    /// </summary>
    public SandboxLead? RestoreLeadAsUser(string subdomain, long id) => Account(subdomain).RestoreLead(id, SandboxAccount.UiUserId);

    /// <summary>
    /// Makes the account look like a real, large and messy amoCRM account: contacts with phones in every spelling,
    /// numbers shared by several contacts, emails on some, deleted contacts, leads over several pipelines. The same
    /// <paramref name="seed"/> on a fresh account makes the same data. Seeding is not a user's action: no webhooks,
    /// and the counters of <see cref="GetStats"/> stay as they are.
    /// </summary>
    /// <exception cref="ArgumentException">The values cannot be seeded (<see cref="SandboxSeed.Problems"/>).</exception>
    public SandboxSeedResult Seed(string subdomain, SandboxSeed seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        var problems = seed.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems.Select(problem => $"{problem.Key} {problem.Value}")), nameof(seed));
        }

        return Account(subdomain).Seed(seed);
    }

    /// <summary>Switches faults on for the account's API and web UI, replacing any before.</summary>
    public void SetFault(string subdomain, SandboxFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        Account(subdomain).Fault = fault;
    }

    /// <summary>Switches the account's faults off.</summary>
    public void ClearFaults(string subdomain) => Account(subdomain).Fault = SandboxFault.None;

    /// <summary>
    /// Ends the account's subscription (<paramref name="unpaid"/>) or pays for it: while unpaid, every <c>/api/v4</c>
    /// call answers 402 with a problem body; OAuth, the web UI page and the control surface go on working.
    /// </summary>
    public void SetUnpaid(string subdomain, bool unpaid) => Account(subdomain).Unpaid = unpaid;

    /// <summary>Lifts the block that repeated 429s put on the account.</summary>
    public void Unblock(string subdomain) => Account(subdomain).Unblock();

    /// <summary>
    /// Makes the account's next <paramref name="count"/> webhook delivery attempts fail as if the subscriber could not be
    /// reached (0 ends it); more than 100 failures within 2 hours switch a webhook off, as in amoCRM.
    /// </summary>
    public void MakeDeliveriesUnreachable(string subdomain, int count) => Account(subdomain).MakeDeliveriesUnreachable(count);

    /// <summary>
    /// Subscribes <paramref name="destination"/> to <paramref name="settings"/> as <c>POST /api/v4/webhooks</c> does
    /// (an existing destination gets the new events): how an older integration's subscription looks.
    /// </summary>
    public SandboxWebhook SubscribeWebhook(string subdomain, string destination, IReadOnlyList<string> settings) =>
        Account(subdomain).Subscribe(destination, settings);

    /// <summary>Ends every OAuth access token of the account at once; the long-lived token stays valid.</summary>
    public void ExpireAccessTokens(string subdomain) => Account(subdomain).ExpireAccessTokens();

    /// <summary>Stops webhook deliveries, dropping pending retries.</summary>
    public ValueTask DisposeAsync() => _dispatcher.DisposeAsync();

    /// <summary>The account of <paramref name="subdomain"/>, created on first use.</summary>
    internal SandboxAccount Account(string subdomain)
    {
        SubdomainName.Require(subdomain);
        if (_accounts.TryGetValue(subdomain, out var existing))
        {
            return existing;
        }

        var created = new SandboxAccount(Interlocked.Increment(ref _lastAccountId), subdomain, _settings, AccessToken, _dispatcher, _logger);
        var account = _accounts.GetOrAdd(subdomain, created);
        if (account == created)
        {
            SandboxLog.AccountCreated(_logger, subdomain, account.Id);
        }

        return account;
    }

    /// <summary>Phones (or emails) as typed, each a WORK value of its field.</summary>
    private static List<SandboxFieldValue> Phones(IReadOnlyList<string>? phones) =>
        (phones ?? []).Select(phone => string.IsNullOrWhiteSpace(phone)
                ? throw new ArgumentException("A value must not be blank.", nameof(phones))
                : new SandboxFieldValue(phone.Trim(), "WORK"))
            .ToList();

    private static void RequireStatus(SandboxAccount account, long? statusId)
    {
        if (statusId is { } id && !account.Pipelines().Any(pipeline => pipeline.HasStatus(id)))
        {
            throw new ArgumentOutOfRangeException(nameof(statusId), id, "No pipeline of the account has this status.");
        }
    }
}
