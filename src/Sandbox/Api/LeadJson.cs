using System.Text.Json.Serialization;
using AmoHub.Sandbox.Accounts;
using AmoHub.Sandbox.CustomFields;
using AmoHub.Sandbox.Http;
using AmoHub.Sandbox.Leads;
using AmoHub.Sandbox.Tags;

namespace AmoHub.Sandbox.Api;

/// <summary>A lead as <c>GET api/v4/leads</c> sends it.</summary>
internal sealed record LeadJson(
    long Id,
    string Name,
    long Price,
    long ResponsibleUserId,
    long GroupId,
    long StatusId,
    long PipelineId,
    long? LossReasonId,
    long CreatedBy,
    long UpdatedBy,
    long CreatedAt,
    long UpdatedAt,
    long? ClosedAt,
    long? ClosestTaskAt,
    bool IsDeleted,
    IReadOnlyList<CustomFieldJson>? CustomFieldsValues,
    long? Score,
    long AccountId,
    [property: JsonPropertyName("_links")] SelfLinks Links,
    [property: JsonPropertyName("_embedded")] LeadEmbeddedJson Embedded)
{
    /// <summary>The lead; its contacts only when the request asked <c>with=contacts</c>.</summary>
    public static LeadJson From(SandboxLead lead, long accountId, ApiLinks links, bool withContacts, bool isDeleted = false) => new(
        lead.Id,
        lead.Name,
        lead.Price,
        SandboxAccount.ApiUserId,
        0,
        lead.StatusId,
        lead.PipelineId,
        null,
        lead.CreatedBy,
        lead.UpdatedBy,
        lead.CreatedAt,
        lead.UpdatedAt,
        lead.ClosedAt,
        null,
        isDeleted,
        CustomFieldJson.Of(lead),
        null,
        accountId,
        links.To($"leads/{lead.Id}"),
        new LeadEmbeddedJson(
            TagJson.Of(lead.Tags),
            withContacts
                ? lead.Contacts.Select(contact => new LeadContactJson(contact.Id, contact.IsMain, links.To($"contacts/{contact.Id}"))).ToList()
                : null));
}

/// <summary>A lead's <c>_embedded</c>: its tags; its contacts when asked for.</summary>
internal sealed record LeadEmbeddedJson(
    IReadOnlyList<TagJson> Tags,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<LeadContactJson>? Contacts);

/// <summary>A contact linked to a lead.</summary>
internal sealed record LeadContactJson(long Id, bool IsMain, [property: JsonPropertyName("_links")] SelfLinks Links);

/// <summary>A page of leads.</summary>
internal sealed record LeadPageJson(
    [property: JsonPropertyName("_page")] int Page,
    [property: JsonPropertyName("_links")] PageLinks Links,
    [property: JsonPropertyName("_embedded")] LeadListJson Embedded);

/// <summary><c>_embedded</c> of a lead list.</summary>
internal sealed record LeadListJson(IReadOnlyList<LeadJson> Leads);

/// <summary>The answer to a create or batch update.</summary>
internal sealed record LeadBatchJson(
    [property: JsonPropertyName("_links")] SelfLinks Links,
    [property: JsonPropertyName("_embedded")] LeadBatchListJson Embedded);

/// <summary><c>_embedded</c> of a create or batch update answer.</summary>
internal sealed record LeadBatchListJson(IReadOnlyList<LeadResultJson> Leads);

/// <summary>One lead in a create or update answer: its id, and the client's <c>request_id</c> on batches.</summary>
internal sealed record LeadResultJson(
    long Id,
    long UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RequestId,
    [property: JsonPropertyName("_links")] SelfLinks Links)
{
    public static LeadResultJson From(SandboxLead lead, string? requestId, ApiLinks links) =>
        new(lead.Id, lead.UpdatedAt, requestId, links.To($"leads/{lead.Id}"));
}

/// <summary>One lead in the answer of <c>POST api/v4/leads/complex</c>.</summary>
internal sealed record ComplexLeadJson(long Id, long? ContactId, long? CompanyId, IReadOnlyList<string> RequestId, bool Merged);
