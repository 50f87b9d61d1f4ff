using AmoHub.Grains.Interfaces.Crm;

namespace AmoHub.WebApi.Crm;

/// <summary>Body of <c>POST /api/contacts</c>.</summary>
public sealed record CreateContactRequest(string? Name, string? Phone);

/// <summary>
/// Body of <c>POST /api/leads</c>: a name, and optionally a pipeline, a status in it and a main contact by phone or by
/// id. <see cref="Status"/> is the older name of <see cref="StatusId"/>, still read.
/// </summary>
public sealed record CreateLeadRequest(
    string? Name, long? Status, string? ContactPhone, long? ContactId, string? ContactName, long? StatusId = null, long? PipelineId = null);

/// <summary>A contact as the API shows it.</summary>
public sealed record ContactResponse(
    long AmocrmId,
    string Name,
    string? Phone,
    IReadOnlyList<string> Phones,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool? Created)
{
    /// <summary>From a snapshot; <paramref name="created"/> only for answers to a create.</summary>
    public static ContactResponse From(ContactSnapshot contact, bool? created = null) =>
        new(contact.AmoCrmId, contact.Name, contact.Phones.IsDefaultOrEmpty ? null : contact.Phones[0],
            contact.Phones.IsDefault ? [] : contact.Phones, contact.CreatedAt, contact.UpdatedAt, created);
}

/// <summary>A lead as the API shows it.</summary>
public sealed record LeadResponse(
    long AmocrmId,
    string Name,
    long? StatusId,
    long? PipelineId,
    long? ContactId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool? Created)
{
    /// <summary>From a snapshot; <paramref name="created"/> only for answers to a create.</summary>
    public static LeadResponse From(LeadSnapshot lead, bool? created = null) =>
        new(lead.AmoCrmId, lead.Name, lead.StatusId, lead.PipelineId, lead.MainContactId, lead.CreatedAt, lead.UpdatedAt, created);
}

/// <summary>A page of a list.</summary>
public sealed record PageResponse<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total);

/// <summary>Body of <c>POST /api/amocrm/webhooks</c>: where amoCRM can reach AmoHub (defaults to this request's host).</summary>
public sealed record SubscribeWebhooksRequest(Uri? PublicUrl);
