using System.Text.Json.Serialization;
using AmoHub.Sandbox.Http;
using AmoHub.Sandbox.Leads;

namespace AmoHub.Sandbox.CustomFields;

/// <summary>A page of <c>GET api/v4/{entity}/custom_fields</c>.</summary>
internal sealed record CustomFieldListJson(
    [property: JsonPropertyName("_total_items")] int TotalItems,
    [property: JsonPropertyName("_page")] int Page,
    [property: JsonPropertyName("_page_count")] int PageCount,
    [property: JsonPropertyName("_links")] PageLinks Links,
    [property: JsonPropertyName("_embedded")] CustomFieldListEmbeddedJson Embedded);

/// <summary><c>_embedded</c> of the custom field list.</summary>
internal sealed record CustomFieldListEmbeddedJson(IReadOnlyList<CustomFieldDefinitionJson> CustomFields);

/// <summary>
/// A custom field as amoCRM describes it: <c>enums</c> only for select, multiselect and multitext (<c>null</c> for the
/// rest); <c>required_statuses</c> are the stages a lead enters only with a value.
/// </summary>
internal sealed record CustomFieldDefinitionJson(
    long Id,
    string Name,
    string Type,
    string? Code,
    int Sort,
    string EntityType,
    bool IsApiOnly,
    bool IsPredefined,
    bool IsDeletable,
    bool IsComputed,
    IReadOnlyList<CustomFieldEnum>? Enums,
    IReadOnlyList<RequiredStatusJson> RequiredStatuses,
    long AccountId,
    [property: JsonPropertyName("_links")] SelfLinks Links)
{
    /// <summary>The field of <paramref name="type"/>, with the statuses of <paramref name="pipelines"/> that require it.</summary>
    public static CustomFieldDefinitionJson From(
        CustomField field, SandboxEntityType type, IReadOnlyList<Pipeline> pipelines, long accountId, ApiLinks links) => new(
        field.Id,
        field.Name,
        field.Type,
        field.Code,
        field.Sort,
        type.Path(),
        false,
        field.IsPredefined,
        !field.IsPredefined,
        false,
        field.Enums,
        pipelines
            .SelectMany(pipeline => pipeline.Statuses
                .Where(status => status.RequiredFieldIds.Contains(field.Id))
                .Select(status => new RequiredStatusJson(status.Id, pipeline.Id)))
            .ToList(),
        accountId,
        links.To($"{type.Path()}/custom_fields/{field.Id}"));
}

/// <summary>A status, of a pipeline, that requires a field.</summary>
internal sealed record RequiredStatusJson(long StatusId, long PipelineId);
