using System.Collections.Immutable;
using AmoHub.Grains.Interfaces.Accounts;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Probes;
using Orleans.Concurrency;

namespace AmoHub.Grains.Interfaces.Crm;

/// <summary>
/// The one door to amoCRM for one account. Key <see cref="GrainKeys.Account"/>: <c>account:{subdomain}</c>.
/// Holds the tokens and refreshes them in exactly one place, paces every request under the account's budget,
/// and batches concurrent creates.
/// </summary>
public interface IAccountGrain : IGrainWithStringKey
{
    /// <summary>Sets where the account lives and how to authenticate; new credentials replace stored ones.</summary>
    Task ConfigureAsync(AccountDefinition account, AccountCredentials? credentials);

    /// <summary>
    /// Finds the contact with this contact's phone, else the one with its email, in amoCRM (after bringing our copy up
    /// to date), or creates it with both.
    /// </summary>
    Task<ContactResult> FindOrCreateContactAsync(NewContact contact);

    /// <summary>
    /// Finds the lead with this name in amoCRM (after bringing our copy up to date) or creates it, in the pipeline
    /// <see cref="ResolvePipelineAsync"/> gives for its pipeline and status.
    /// </summary>
    /// <exception cref="InvalidFieldException">The account has no such pipeline or the pipeline no such status.</exception>
    Task<LeadResult> FindOrCreateLeadAsync(NewLead lead);

    /// <summary>
    /// The amoCRM pipeline a new lead goes to: <paramref name="pipelineId"/>, else the account's default pipeline
    /// (<see cref="AccountDefinition.DefaultPipelineId"/>), else amoCRM's main pipeline. It must hold
    /// <paramref name="statusId"/> when one is given. The account's pipelines are read from amoCRM once and kept; a
    /// pipeline or status they do not hold reads them again, once, before the lead is refused.
    /// </summary>
    /// <exception cref="InvalidFieldException">
    /// Naming <c>pipelineId</c>: the account has no such pipeline; naming <c>statusId</c>: the pipeline has no such status.
    /// </exception>
    Task<long> ResolvePipelineAsync(long? pipelineId, long? statusId);

    /// <summary>
    /// Checks custom field values against the account's <paramref name="entity"/> fields and gives them as amoCRM takes
    /// them (a select's value as its enum id, a date as Unix time). The fields are read from amoCRM once and kept; a code,
    /// id or choice they do not hold reads them again, once, before the value is refused.
    /// </summary>
    /// <exception cref="InvalidFieldException">Naming the value's path and what is wrong (<c>customFields[2].code</c>).</exception>
    Task<ImmutableArray<ResolvedField>> ResolveFieldsAsync(FieldEntity entity, ImmutableArray<FieldInput> fields);

    /// <summary>Reads one contact from amoCRM; null when amoCRM has none with that id.</summary>
    Task<ContactSnapshot?> FetchContactAsync(long amoCrmId);

    /// <summary>Pulls the contacts changed since the last sync into our copy.</summary>
    Task SyncContactsAsync();

    /// <summary>Pulls the leads changed since the last sync (with their contacts) into our copy.</summary>
    Task SyncLeadsAsync();

    /// <summary>
    /// Pulls the contacts and leads changed since the last sync, in the background: a delivery AmoHub could not read
    /// was answered 200 (amoCRM counts every 4xx towards switching the webhook off), and what it carried arrives so.
    /// </summary>
    [OneWay]
    Task CatchUpAsync();

    /// <summary>Subscribes AmoHub's webhook destination (under <paramref name="publicBaseUrl"/>) with the events it applies.</summary>
    Task<WebhookSubscription> SubscribeWebhooksAsync(Uri publicBaseUrl);

    /// <summary>Removes AmoHub's webhook destination from the account.</summary>
    Task<WebhookSubscription> UnsubscribeWebhooksAsync();

    /// <summary>Whether a delivery claiming this amoCRM account id and subdomain belongs to this account.</summary>
    Task<bool> OwnsDeliveryAsync(string? subdomain, long? amoCrmAccountId);

    /// <summary>Budget in use, sync position and webhook subscription.</summary>
    Task<AccountSyncStatus> GetSyncStatusAsync();

    /// <summary>
    /// Starts a full comparison of our copy with amoCRM, unless one runs: every live contact and lead read (within the
    /// import's share of the budget) and put into our copy when missing or older there, then what our copy holds that
    /// amoCRM no longer lists removed. Answers at once with where it stands; <see cref="GetSyncStatusAsync"/> follows it.
    /// </summary>
    Task<Reconciliation> ReconcileAsync();

    /// <summary>
    /// Runs one API probe (<see cref="CheckType.Get"/>: <c>GET /api/v4/account</c>; <see cref="CheckType.Hook"/>:
    /// <c>GET /api/v4/webhooks</c>; <see cref="CheckType.Post"/>: a PATCH of the price of the account's test lead;
    /// <see cref="CheckType.Dp"/>: a PATCH renaming the account's test contact to carry <paramref name="marker"/>)
    /// inside the account's budget, once, without retries. The response time is the request's own, never the
    /// wait for the budget.
    /// </summary>
    Task<CheckOutcome> ProbeApiAsync(CheckType checkType, TimeSpan timeout, string? marker = null);
}

/// <summary>
/// One amoCRM contact. Key <c>{subdomain}/contact:{amoCRM id}</c>. Applies API results and webhook events
/// idempotently: the newer <see cref="ContactSnapshot.UpdatedAt"/> wins; the read model follows every change.
/// amoCRM's times have one-second resolution, so on a tie a snapshot read from amoCRM's API (the current
/// truth) replaces what is kept, while a webhook event (possibly a stale duplicate) does not.
/// </summary>
public interface IContactGrain : IGrainWithStringKey
{
    /// <summary>Applies a snapshot unless a newer one is kept; true when it changed something.</summary>
    /// <param name="snapshot">The contact as amoCRM described it.</param>
    /// <param name="readFromAmoCrm">True for a snapshot just read from amoCRM's API; false for a webhook event.</param>
    Task<bool> ApplyAsync(ContactSnapshot snapshot, bool readFromAmoCrm);

    /// <summary>
    /// Applies webhook events about this contact (each with its <c>UpdatedAt</c> set), in the order amoCRM sent them, with one
    /// write for all: they end as applying them one by one would. True when they changed something.
    /// </summary>
    /// <param name="changes">The events, oldest first.</param>
    Task<bool> ApplyWebhookEventsAsync(ImmutableArray<WebhookEvent> changes);

    /// <summary>Marks the contact deleted (amoCRM deleted it); later older snapshots are ignored.</summary>
    Task DeleteAsync(DateTimeOffset at);

    /// <summary>The contact, or null when unknown or deleted.</summary>
    Task<ContactSnapshot?> GetAsync();
}

/// <summary>
/// The dedup lock of one phone. Key <c>{subdomain}/phone:{E.164}</c>. Concurrent creates of one phone queue
/// here, so exactly one of them can reach amoCRM.
/// </summary>
public interface IPhoneIndexGrain : IGrainWithStringKey
{
    /// <summary>
    /// Returns the contact with this phone: ours, with the <paramref name="email"/> added when it lacks it and no other
    /// contact holds it; else, for a request with an <paramref name="email"/> too, what that email's
    /// <see cref="IEmailIndexGrain"/> answers; else amoCRM's, else a new one created in amoCRM with
    /// <paramref name="fields"/>.
    /// </summary>
    /// <param name="name">The name of a contact made.</param>
    /// <param name="email">The email the request brings too.</param>
    /// <param name="fields">Custom field values of a contact made.</param>
    /// <param name="lead">A lead whose name's lock the caller holds, made with a new contact in one request (<see cref="NewContact.Lead"/>).</param>
    Task<ContactResult> GetOrCreateAsync(string name, string? email = null, ImmutableArray<ResolvedField> fields = default, NewLead? lead = null);
}

/// <summary>
/// The dedup lock of one email. Key <c>{subdomain}/email:{email, lower-cased}</c>. Concurrent creates of one email
/// queue here, so exactly one of them can reach amoCRM. It never calls a phone's lock: a phone's lock calls it.
/// </summary>
public interface IEmailIndexGrain : IGrainWithStringKey
{
    /// <summary>
    /// Returns the contact with this email: ours, else amoCRM's; for a request with a <paramref name="phone"/> too
    /// (from that phone's lock, which found no contact of its own or one lacking this email) the contact holding the
    /// phone wins, and the one found gets the value it lacks when no other contact holds it. Else a new one created in
    /// amoCRM with the phone and <paramref name="fields"/>.
    /// </summary>
    /// <param name="name">The name of a contact made.</param>
    /// <param name="phone">The phone the request brings too.</param>
    /// <param name="fields">Custom field values of a contact made.</param>
    /// <param name="lead">A lead whose name's lock the caller holds, made with a new contact in one request (<see cref="NewContact.Lead"/>).</param>
    Task<ContactResult> GetOrCreateAsync(string name, string? phone = null, ImmutableArray<ResolvedField> fields = default, NewLead? lead = null);
}

/// <summary>One amoCRM lead. Key <c>{subdomain}/lead:{amoCRM id}</c>. Like <see cref="IContactGrain"/>.</summary>
public interface ILeadGrain : IGrainWithStringKey
{
    /// <summary>Applies a snapshot unless a newer one is kept; true when it changed something.</summary>
    /// <param name="snapshot">The lead as amoCRM described it.</param>
    /// <param name="readFromAmoCrm">True for a snapshot just read from amoCRM's API; false for a webhook event.</param>
    Task<bool> ApplyAsync(LeadSnapshot snapshot, bool readFromAmoCrm);

    /// <summary>
    /// Applies webhook events about this lead (each with its <c>UpdatedAt</c> set), in the order amoCRM sent them, with one
    /// write for all: they end as applying them one by one would. True when they changed something.
    /// </summary>
    /// <param name="changes">The events, oldest first.</param>
    Task<bool> ApplyWebhookEventsAsync(ImmutableArray<WebhookEvent> changes);

    /// <summary>Marks the lead deleted.</summary>
    Task DeleteAsync(DateTimeOffset at);

    /// <summary>The lead, or null when unknown or deleted.</summary>
    Task<LeadSnapshot?> GetAsync();
}

/// <summary>The dedup lock of one lead name. Key <c>{subdomain}/lead-name:{hash of the normalized name}</c>.</summary>
public interface ILeadNameIndexGrain : IGrainWithStringKey
{
    /// <summary>Returns the lead with this name: ours, else amoCRM's, else a new one created in amoCRM.</summary>
    Task<LeadResult> GetOrCreateAsync(NewLead lead);

    /// <summary>
    /// Returns the lead with this name and its <paramref name="contact"/>, found by phone or email through their locks
    /// (taken after this one: a lead's lock, then a phone's, then an email's) or made; a new lead of a new contact is
    /// made with it in one amoCRM request (complex add), else with the contact as its main contact.
    /// </summary>
    Task<LeadResult> GetOrCreateWithContactAsync(NewLead lead, NewContact contact);
}

/// <summary>
/// Durable intake of an account's webhook deliveries. Key <c>{subdomain}/webhooks:inbox</c>. A delivery is
/// written to the inbox table before the call returns (so amoCRM gets its 200 quickly), then applied to the
/// contact and lead grains in order; whatever was not applied when a silo stopped is applied after restart.
/// </summary>
public interface IWebhookInboxGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores the delivery durably and schedules it for applying. Interleaved, so deliveries arriving together are
    /// stored by one write.
    /// </summary>
    [AlwaysInterleave]
    Task AcceptAsync(WebhookDelivery delivery);
}
