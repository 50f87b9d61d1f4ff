using System.Text.Json.Serialization;
using AmoHub.Sandbox.Accounts;
using AmoHub.Sandbox.Contacts;
using AmoHub.Sandbox.CustomFields;
using AmoHub.Sandbox.Http;
using AmoHub.Sandbox.Tags;

namespace AmoHub.Sandbox.Api;

/// <summary>A contact as <c>GET api/v4/contacts</c> sends it.</summary>
internal sealed record ContactJson(
    long Id,
    string Name,
    string FirstName,
    string LastName,
    long ResponsibleUserId,
    long GroupId,
    long CreatedBy,
    long UpdatedBy,
    long CreatedAt,
    long UpdatedAt,
    long? ClosestTaskAt,
    bool IsDeleted,
    bool IsUnsorted,
    IReadOnlyList<CustomFieldJson>? CustomFieldsValues,
    long AccountId,
    [property: JsonPropertyName("_links")] SelfLinks Links,
    [property: JsonPropertyName("_embedded")] ContactEmbeddedJson Embedded)
{
    /// <summary>
    /// The contact; <paramref name="isDeleted"/> when it comes from the deleted ones (<c>with=only_deleted</c>), its
    /// <paramref name="leadIds"/> embedded when the request asked <c>with=leads</c>.
    /// </summary>
    public static ContactJson From(SandboxContact contact, long accountId, ApiLinks links, bool isDeleted = false, IEnumerable<long>? leadIds = null) => new(
        contact.Id,
        contact.Name,
        contact.FirstName,
        contact.LastName,
        SandboxAccount.ApiUserId,
        0,
        contact.CreatedBy,
        contact.UpdatedBy,
        contact.CreatedAt,
        contact.UpdatedAt,
        null,
        isDeleted,
        false,
        CustomFieldJson.Of(contact),
        accountId,
        links.To($"contacts/{contact.Id}"),
        new ContactEmbeddedJson(TagJson.Of(contact.Tags), [], leadIds?.Select(id => new ContactLeadJson(id, links.To($"leads/{id}"))).ToList()));
}

/// <summary>A contact's <c>_embedded</c>: its tags; the sandbox has no companies; leads when asked for.</summary>
internal sealed record ContactEmbeddedJson(
    IReadOnlyList<TagJson> Tags,
    IReadOnlyList<string> Companies,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ContactLeadJson>? Leads);

/// <summary>A lead linked to a contact.</summary>
internal sealed record ContactLeadJson(long Id, [property: JsonPropertyName("_links")] SelfLinks Links);

/// <summary>A page of contacts.</summary>
internal sealed record ContactPageJson(
    [property: JsonPropertyName("_page")] int Page,
    [property: JsonPropertyName("_links")] PageLinks Links,
    [property: JsonPropertyName("_embedded")] ContactListJson Embedded);

/// <summary><c>_embedded</c> of a contact list.</summary>
internal sealed record ContactListJson(IReadOnlyList<ContactJson> Contacts);

/// <summary>The answer to a create or batch update.</summary>
internal sealed record ContactBatchJson(
    [property: JsonPropertyName("_links")] SelfLinks Links,
    [property: JsonPropertyName("_embedded")] ContactBatchListJson Embedded);

/// <summary><c>_embedded</c> of a create or batch update answer.</summary>
internal sealed record ContactBatchListJson(IReadOnlyList<ContactResultJson> Contacts);

/// <summary>One contact in a create or update answer: its id, and the client's <c>request_id</c> on batches.</summary>
internal sealed record ContactResultJson(
    long Id,
    string Name,
    long UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RequestId,
    bool IsDeleted,
    [property: JsonPropertyName("_links")] SelfLinks Links)
{
    public static ContactResultJson From(SandboxContact contact, string? requestId, ApiLinks links) =>
        new(contact.Id, contact.Name, contact.UpdatedAt, requestId, false, links.To($"contacts/{contact.Id}"));
}
