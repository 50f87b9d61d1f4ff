using System.Collections.Immutable;

namespace AmoHub.Grains.Interfaces.Crm;

/// <summary>
/// A contact as AmoHub keeps it: amoCRM's id, name, phones in E.164 and emails in the form of <see cref="EmailAddresses"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.ContactSnapshot")]
public sealed record ContactSnapshot(
    [property: Id(0)] long AmoCrmId,
    [property: Id(1)] string Name,
    [property: Id(2)] ImmutableArray<string> Phones,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] DateTimeOffset UpdatedAt,
    ImmutableArray<string> Emails = default)
{
    /// <summary>
    /// The contact's emails. Never a default array: a snapshot stored or sent before AmoHub kept emails has none, and
    /// reads as having none.
    /// </summary>
    [Id(5)]
    public ImmutableArray<string> Emails
    {
        get => field.IsDefault ? [] : field;
        init;
    } = Emails;
}

/// <summary>
/// A contact to find by its phone (E.164) or its email (in the form of <see cref="EmailAddresses"/>), or to create with
/// both and with its custom field values: at least one of phone and email is given. A <paramref name="Lead"/> whose
/// name's lock the caller holds is made in the same amoCRM request when the contact is new and amoCRM has no lead of
/// that name (amoCRM's complex add).
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.NewContact")]
public sealed record NewContact(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Phone,
    [property: Id(2)] string? Email,
    [property: Id(3)] ImmutableArray<ResolvedField> Fields = default,
    [property: Id(4)] NewLead? Lead = null);

/// <summary>
/// The contact a create request ended with, whether it was made in amoCRM by this request, and the lead made with it
/// in the same request (<see cref="NewContact.Lead"/>), if it was.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.ContactResult")]
public sealed record ContactResult(
    [property: Id(0)] ContactSnapshot Contact,
    [property: Id(1)] bool Created,
    [property: Id(2)] LeadSnapshot? Lead = null);

/// <summary>A lead as AmoHub keeps it.</summary>
[GenerateSerializer, Immutable, Alias("amohub.LeadSnapshot")]
public sealed record LeadSnapshot(
    [property: Id(0)] long AmoCrmId,
    [property: Id(1)] string Name,
    [property: Id(2)] long? StatusId,
    [property: Id(3)] long? PipelineId,
    [property: Id(4)] long? MainContactId,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset UpdatedAt);

/// <summary>
/// The lead a create request ended with, whether it was made in amoCRM by this request, and, for a request that named
/// its contact by phone or email, that contact.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.LeadResult")]
public sealed record LeadResult(
    [property: Id(0)] LeadSnapshot Lead,
    [property: Id(1)] bool Created,
    [property: Id(2)] ContactResult? Contact = null);

/// <summary>
/// A lead to find by name or create: with <paramref name="StatusId"/> in <paramref name="PipelineId"/> (null: where
/// <see cref="IAccountGrain.ResolvePipelineAsync"/> puts a lead that names no pipeline).
/// </summary>
/// <param name="Name">The lead's name, its dedup key.</param>
/// <param name="StatusId">The status it starts in (null: the pipeline's first).</param>
/// <param name="MainContactId">Its main contact.</param>
/// <param name="PipelineId">Its pipeline.</param>
/// <param name="Price">The lead's budget (<c>price</c>).</param>
/// <param name="Tags">Tag names, made in amoCRM when new.</param>
/// <param name="Fields">Custom field values, checked against the account's fields (<see cref="IAccountGrain.ResolveFieldsAsync"/>).</param>
/// <param name="Note">Text of a note added to the lead when this request creates it.</param>
[GenerateSerializer, Immutable, Alias("amohub.NewLead")]
public sealed record NewLead(
    [property: Id(0)] string Name,
    [property: Id(1)] long? StatusId,
    [property: Id(2)] long? MainContactId,
    [property: Id(3)] long? PipelineId = null,
    [property: Id(4)] long? Price = null,
    [property: Id(5)] ImmutableArray<string> Tags = default,
    [property: Id(6)] ImmutableArray<ResolvedField> Fields = default,
    [property: Id(7)] string? Note = null);

/// <summary>Whose custom fields: amoCRM keeps a set for contacts and one for leads.</summary>
public enum FieldEntity
{
    /// <summary><c>/api/v4/contacts/custom_fields</c>.</summary>
    Contacts,

    /// <summary><c>/api/v4/leads/custom_fields</c>.</summary>
    Leads,
}

/// <summary>A custom field value as a request gave it: by field code or id, one or more values as text.</summary>
/// <param name="Code">The field's code (<c>UTM_SOURCE</c>), when named by code.</param>
/// <param name="Id">The field's id, when named by id.</param>
/// <param name="Values">Its values, as text.</param>
/// <param name="Path">Where the request gave it (<c>customFields[2]</c>, <c>utm.utm_source</c>), for the error that names it.</param>
[GenerateSerializer, Immutable, Alias("amohub.FieldInput")]
public sealed record FieldInput(
    [property: Id(0)] string? Code,
    [property: Id(1)] long? Id,
    [property: Id(2)] ImmutableArray<string> Values,
    [property: Id(3)] string Path);

/// <summary>A custom field value checked against the account's field: its id, its type, and the values to send.</summary>
/// <param name="FieldId">The field's id in amoCRM.</param>
/// <param name="Values">The values to send.</param>
/// <param name="Type">amoCRM's field type (<c>text</c>, <c>numeric</c>, <c>select</c>, …): how a value goes in JSON.</param>
[GenerateSerializer, Immutable, Alias("amohub.ResolvedField")]
public sealed record ResolvedField(
    [property: Id(0)] long FieldId,
    [property: Id(1)] string Type,
    [property: Id(2)] ImmutableArray<ResolvedValue> Values);

/// <summary>One value of a field: its text, or the enum picked for a select.</summary>
[GenerateSerializer, Immutable, Alias("amohub.ResolvedValue")]
public sealed record ResolvedValue(
    [property: Id(0)] string? Value,
    [property: Id(1)] long? EnumId = null);

/// <summary>How AmoHub authenticates to an account: a long-lived token, or an OAuth integration.</summary>
[GenerateSerializer, Immutable, Alias("amohub.AccountCredentials")]
public sealed record AccountCredentials(
    [property: Id(0)] string? AccessToken,
    [property: Id(1)] string? ClientId,
    [property: Id(2)] string? ClientSecret,
    [property: Id(3)] Uri? RedirectUri,
    [property: Id(4)] string? RefreshToken,
    [property: Id(5)] string? AuthorizationCode)
{
    /// <summary>Whether these are OAuth credentials (they refresh) rather than a long-lived token.</summary>
    public bool IsOAuth => ClientId is not null;

    /// <summary>Never prints a secret.</summary>
    public override string ToString() => IsOAuth ? $"OAuth client {ClientId}" : "long-lived token";
}

/// <summary>AmoHub's webhook subscription in an account.</summary>
[GenerateSerializer, Immutable, Alias("amohub.WebhookSubscription")]
public sealed record WebhookSubscription(
    [property: Id(0)] bool Subscribed,
    [property: Id(1)] ImmutableArray<string> Settings,
    [property: Id(2)] DateTimeOffset? Since);

/// <summary>The CRM side of an account: amoCRM request budget in use, sync position, counters.</summary>
[GenerateSerializer, Immutable, Alias("amohub.AccountSyncStatus")]
public sealed record AccountSyncStatus(
    [property: Id(0)] string Account,
    [property: Id(1)] int RequestsPerSecondLimit,
    [property: Id(2)] int RequestsLastSecond,
    [property: Id(3)] long RequestsTotal,
    [property: Id(4)] long RateLimitedTotal,
    [property: Id(5)] DateTimeOffset? ContactsSyncedTo,
    [property: Id(6)] DateTimeOffset? LeadsSyncedTo,
    [property: Id(7)] WebhookSubscription Webhooks,
    [property: Id(8)] ImportProgress? ContactsImport = null,
    [property: Id(9)] ImportProgress? LeadsImport = null,
    [property: Id(10)] Reconciliation? Reconciliation = null);

/// <summary>
/// A full comparison of an account's copy with amoCRM (<see cref="IAccountGrain.ReconcileAsync"/>): under way or ended,
/// and what differed, each difference fixed in our copy as it was found.
/// </summary>
/// <param name="Running">Whether it is reading amoCRM now.</param>
/// <param name="StartedAt">When it began.</param>
/// <param name="FinishedAt">When it ended; null while it runs.</param>
/// <param name="Contacts">What it found of contacts so far.</param>
/// <param name="Leads">What it found of leads so far.</param>
/// <param name="Error">Why it stopped short, when it did (amoCRM could not be read); it can be started again.</param>
[GenerateSerializer, Immutable, Alias("amohub.Reconciliation")]
public sealed record Reconciliation(
    [property: Id(0)] bool Running,
    [property: Id(1)] DateTimeOffset StartedAt,
    [property: Id(2)] DateTimeOffset? FinishedAt,
    [property: Id(3)] Differences Contacts,
    [property: Id(4)] Differences Leads,
    [property: Id(5)] string? Error = null);

/// <summary>What a reconciliation found of one kind of entity.</summary>
/// <param name="Read">Live entities read from amoCRM.</param>
/// <param name="Missing">Live in amoCRM, not in our copy (or deleted there): added.</param>
/// <param name="Stale">In our copy with an older <c>updated_at</c> than amoCRM's: brought up to date.</param>
/// <param name="Extra">In our copy, not live in amoCRM (deleted there): removed.</param>
/// <param name="Sample">amoCRM ids of entities that differed: up to 10 of each kind, the first found, missing first.</param>
[GenerateSerializer, Immutable, Alias("amohub.Differences")]
public sealed record Differences(
    [property: Id(0)] long Read,
    [property: Id(1)] long Missing,
    [property: Id(2)] long Stale,
    [property: Id(3)] long Extra,
    [property: Id(4)] ImmutableArray<long> Sample)
{
    /// <summary>Nothing read yet.</summary>
    public static Differences None { get; } = new(0, 0, 0, 0, []);
}

/// <summary>How far the first import of an account's contacts or leads has come.</summary>
/// <param name="Complete">Whether it has ended; our copy then answers dedup on its own.</param>
/// <param name="Read">Entities read so far.</param>
/// <param name="EstimatedTotal">
/// How many there are, estimated (amoCRM's lists do not say): exact once complete, unknown before the first pages.
/// </param>
/// <param name="PerSecond">Entities read a second, since this silo took the import up.</param>
/// <param name="Eta">How long the rest should take at that rate.</param>
[GenerateSerializer, Immutable, Alias("amohub.ImportProgress")]
public sealed record ImportProgress(
    [property: Id(0)] bool Complete,
    [property: Id(1)] long Read,
    [property: Id(2)] long? EstimatedTotal,
    [property: Id(3)] double? PerSecond,
    [property: Id(4)] TimeSpan? Eta);

/// <summary>What one webhook delivery said about one entity.</summary>
public enum WebhookEntity
{
    /// <summary>A contact.</summary>
    Contact,

    /// <summary>A lead.</summary>
    Lead,
}

/// <summary>The kind of change a webhook event reports.</summary>
public enum WebhookAction
{
    /// <summary>Created.</summary>
    Add,

    /// <summary>Changed.</summary>
    Update,

    /// <summary>Deleted.</summary>
    Delete,

    /// <summary>A lead moved to another status.</summary>
    Status,

    /// <summary>Brought back from the deleted ones: a deletion wins over webhook events, so the sync that follows reads it live.</summary>
    Restore,
}

/// <summary>
/// One event of an amoCRM webhook delivery, as parsed from its form fields: the values of its PHONE and EMAIL fields as
/// typed, and whether it carried each field at all (an event without one says nothing of those values).
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.WebhookEvent")]
public sealed record WebhookEvent(
    [property: Id(0)] WebhookEntity Entity,
    [property: Id(1)] WebhookAction Action,
    [property: Id(2)] long Id,
    [property: Id(3)] string? Name,
    [property: Id(4)] long? StatusId,
    [property: Id(5)] long? PipelineId,
    [property: Id(6)] DateTimeOffset? UpdatedAt,
    [property: Id(7)] DateTimeOffset? CreatedAt,
    [property: Id(8)] ImmutableArray<string> Phones,
    [property: Id(9)] bool HasPhoneField,
    ImmutableArray<string> Emails = default,
    [property: Id(11)] bool HasEmailField = false)
{
    /// <summary>
    /// The values of the event's EMAIL field. Never a default array: an event stored in the inbox before AmoHub read
    /// emails has none (and no EMAIL field).
    /// </summary>
    [Id(10)]
    public ImmutableArray<string> Emails
    {
        get => field.IsDefault ? [] : field;
        init;
    } = Emails;
}

/// <summary>A whole webhook delivery: the account it claims to come from and its events.</summary>
[GenerateSerializer, Immutable, Alias("amohub.WebhookDelivery")]
public sealed record WebhookDelivery(
    [property: Id(0)] string? AccountSubdomain,
    [property: Id(1)] long? AccountId,
    [property: Id(2)] ImmutableArray<WebhookEvent> Events,
    [property: Id(3)] DateTimeOffset ReceivedAt);

/// <summary>A page of a list answer.</summary>
[GenerateSerializer, Immutable, Alias("amohub.Page")]
public sealed record Page<T>(
    [property: Id(0)] IReadOnlyList<T> Items,
    [property: Id(1)] int PageNumber,
    [property: Id(2)] int PageSize,
    [property: Id(3)] long Total);

/// <summary>
/// The CRM side of an account for the dashboard: what we keep and what arrives (webhook deliveries, and the events
/// they carried, received in the last hour; deliveries not applied yet), the entities set aside, and the create
/// requests accepted while amoCRM could not take them (<see cref="Operations"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.CrmSummary")]
public sealed record CrmSummary(
    [property: Id(0)] string Account,
    [property: Id(1)] long Contacts,
    [property: Id(2)] long Leads,
    [property: Id(3)] long WebhookEventsLastHour,
    [property: Id(4)] long WebhookDeliveriesPending,
    [property: Id(5)] AccountSyncStatus Sync,
    [property: Id(6)] long WebhookDeliveriesLastHour,
    [property: Id(7)] long DeadLetters,
    [property: Id(8)] ImmutableArray<DeadLetter> RecentDeadLetters,
    [property: Id(9)] long DuplicatePhones = 0,
    [property: Id(10)] OperationsBacklog? Operations = null);

/// <summary>
/// A contact or lead AmoHub set aside because applying it failed (<paramref name="Source"/>: <c>webhook</c> or
/// <c>sync</c>), so it did not stop the rest of its account.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.DeadLetter")]
public sealed record DeadLetter(
    [property: Id(0)] string Source,
    [property: Id(1)] string Entity,
    [property: Id(2)] long AmoCrmId,
    [property: Id(3)] string Reason,
    [property: Id(4)] DateTimeOffset At);

/// <summary>
/// Reads the CRM read model for the HTTP API. A stateless worker: any silo answers, several at once.
/// </summary>
public interface ICrmQueryGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Contacts with this E.164 phone, this email (in the form of <see cref="EmailAddresses"/>) and/or whose name
    /// contains <paramref name="name"/>, newest first.
    /// </summary>
    Task<Page<ContactSnapshot>> ListContactsAsync(string account, string? phone, string? email, string? name, int page, int pageSize);

    /// <summary>Leads whose name contains <paramref name="name"/> (or all), newest first.</summary>
    Task<Page<LeadSnapshot>> ListLeadsAsync(string account, string? name, int page, int pageSize);

    /// <summary>Counts and the account's amoCRM budget and sync state.</summary>
    Task<CrmSummary> GetSummaryAsync(string account);

    /// <summary>Phones that more than one contact holds in our copy, by phone, each with its contacts oldest first.</summary>
    Task<Page<DuplicatePhone>> ListDuplicatePhonesAsync(string account, int page, int pageSize);
}

/// <summary>
/// A phone several amoCRM contacts hold (people typed it into more than one card). AmoHub answers for it with the
/// oldest, the first of <see cref="ContactIds"/>, every time.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.DuplicatePhone")]
public sealed record DuplicatePhone(
    [property: Id(0)] string Phone,
    [property: Id(1)] IReadOnlyList<long> ContactIds);
