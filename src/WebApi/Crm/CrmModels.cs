namespace AmoHub.WebApi.Crm;

/// <summary>
/// Body of <c>POST /api/contacts</c>: a name and a phone, an email or both; <see cref="CallbackUrl"/> receives the
/// operation once done, when it was answered 202.
/// </summary>
public sealed record CreateContactRequest(string? Name, string? Phone, string? CallbackUrl = null, string? Email = null);

/// <summary>
/// Body of <c>POST /api/leads</c>: a name, and optionally a pipeline, a status in it and a main contact by phone or by
/// id. <see cref="Status"/> is the older name of <see cref="StatusId"/>, still read. <see cref="CallbackUrl"/> receives
/// the operation once done, when it was answered 202.
/// </summary>
public sealed record CreateLeadRequest(
    string? Name, long? Status, string? ContactPhone, long? ContactId, string? ContactName, long? StatusId = null, long? PipelineId = null,
    string? CallbackUrl = null);

/// <summary>A page of a list.</summary>
public sealed record PageResponse<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total);

/// <summary>Body of <c>POST /api/amocrm/webhooks</c>: where amoCRM can reach AmoHub (defaults to this request's host).</summary>
public sealed record SubscribeWebhooksRequest(Uri? PublicUrl);
