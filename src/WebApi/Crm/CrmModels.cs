namespace AmoHub.WebApi.Crm;

/// <summary>
/// Body of <c>POST /api/contacts</c>: a name and a phone, an email or both; <see cref="CallbackUrl"/> receives the
/// operation once done, when it was answered 202.
/// </summary>
public sealed record CreateContactRequest(
    string? Name, string? Phone, string? CallbackUrl = null, string? Email = null, List<CustomFieldRequest?>? CustomFields = null);

/// <summary>
/// Body of <c>POST /api/leads</c>: a name, and optionally a pipeline, a status in it and a main contact by phone or by
/// id. <see cref="Status"/> is the older name of <see cref="StatusId"/>, still read. <see cref="CallbackUrl"/> receives
/// the operation once done, when it was answered 202. A web form sends the rest: a budget, tags, custom field values,
/// UTM tags (<c>utm_source</c> …), a note, and its <see cref="Contact"/> in one object.
/// </summary>
public sealed record CreateLeadRequest(
    string? Name, long? Status, string? ContactPhone, long? ContactId, string? ContactName, long? StatusId = null, long? PipelineId = null,
    string? CallbackUrl = null, decimal? Price = null, List<string?>? Tags = null, List<CustomFieldRequest?>? CustomFields = null,
    Dictionary<string, string?>? Utm = null, string? Note = null, LeadContactRequest? Contact = null);

/// <summary>
/// The contact of a web form's lead: found by phone or email (either matches), or created with both and its custom
/// field values.
/// </summary>
public sealed record LeadContactRequest(string? Name, string? Phone, string? Email = null, List<CustomFieldRequest?>? CustomFields = null);

/// <summary>A custom field value: the field by <see cref="Code"/> or <see cref="Id"/>, one <see cref="Value"/> or several <see cref="Values"/>.</summary>
public sealed record CustomFieldRequest(string? Code, long? Id, System.Text.Json.JsonElement? Value, List<System.Text.Json.JsonElement>? Values);

/// <summary>A page of a list.</summary>
public sealed record PageResponse<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total);

/// <summary>Body of <c>POST /api/amocrm/webhooks</c>: where amoCRM can reach AmoHub (defaults to this request's host).</summary>
public sealed record SubscribeWebhooksRequest(Uri? PublicUrl);
