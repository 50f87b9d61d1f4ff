using System.Text.Json;
using System.Text.Json.Serialization;

namespace AmoHub.Grains.AmoCrm;

// amoCRM API v4 wire models (HAL JSON, snake_case). Only the fields AmoHub reads or writes are declared.

/// <summary>A HAL list answer: <c>{_page, _links, _embedded: {…}}</c>.</summary>
public sealed class HalList<TEmbedded>
{
    [JsonPropertyName("_page")]
    public int? Page { get; set; }

    [JsonPropertyName("_links")]
    public HalLinks? Links { get; set; }

    [JsonPropertyName("_embedded")]
    public TEmbedded? Embedded { get; set; }

    /// <summary>Whether amoCRM says another page follows (it may serve fewer items a page than were asked for).</summary>
    [JsonIgnore]
    public bool HasNext => Links?.Next?.Href is not null;
}

/// <summary>A HAL answer's links; <c>next</c> is there only when another page follows.</summary>
public sealed class HalLinks
{
    public HalLink? Next { get; set; }
}

public sealed class HalLink
{
    public string? Href { get; set; }
}

public sealed class ContactsEmbedded
{
    public List<AmoContact> Contacts { get; set; } = [];
}

public sealed class LeadsEmbedded
{
    public List<AmoLead> Leads { get; set; } = [];
}

public sealed class PipelinesEmbedded
{
    public List<AmoPipeline> Pipelines { get; set; } = [];
}

public sealed class WebhooksEmbedded
{
    public List<AmoWebhook> Webhooks { get; set; } = [];
}

public sealed class AmoAccount
{
    public long Id { get; set; }

    public string? Name { get; set; }

    public string? Subdomain { get; set; }
}

public sealed class AmoContact : IAmoEntity
{
    public long Id { get; set; }

    public string? Name { get; set; }

    public long CreatedAt { get; set; }

    public long UpdatedAt { get; set; }

    public bool IsDeleted { get; set; }

    public List<AmoCustomField>? CustomFieldsValues { get; set; }

    [JsonPropertyName("request_id")]
    public string? RequestId { get; set; }
}

public sealed class AmoCustomField
{
    public long? FieldId { get; set; }

    public string? FieldCode { get; set; }

    public List<AmoFieldValue> Values { get; set; } = [];
}

public sealed class AmoFieldValue
{
    /// <summary>amoCRM sends strings for text fields but numbers or booleans for others.</summary>
    public JsonElement Value { get; set; }

    public string? EnumCode { get; set; }

    /// <summary>The value as text, whatever JSON type it came as.</summary>
    public string? Text => Value.ValueKind switch
    {
        JsonValueKind.String => Value.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => Value.GetRawText(),
        _ => null,
    };
}

public sealed class AmoLead : IAmoEntity
{
    public long Id { get; set; }

    public string? Name { get; set; }

    public long? StatusId { get; set; }

    public long? PipelineId { get; set; }

    public long CreatedAt { get; set; }

    public long UpdatedAt { get; set; }

    public bool IsDeleted { get; set; }

    [JsonPropertyName("_embedded")]
    public AmoLeadEmbedded? Embedded { get; set; }
}

public sealed class AmoLeadEmbedded
{
    public List<AmoLinkedContact>? Contacts { get; set; }
}

public sealed class AmoLinkedContact
{
    public long Id { get; set; }

    public bool IsMain { get; set; }
}

/// <summary>A lead pipeline with its statuses (won 142 and lost 143 are in every pipeline).</summary>
public sealed class AmoPipeline
{
    public long Id { get; set; }

    public bool IsMain { get; set; }

    [JsonPropertyName("_embedded")]
    public AmoPipelineEmbedded? Embedded { get; set; }
}

public sealed class AmoPipelineEmbedded
{
    public List<AmoStatus> Statuses { get; set; } = [];
}

public sealed class AmoStatus
{
    public long Id { get; set; }
}

/// <summary>One contact of a create request; the request id maps the answer back to it.</summary>
public sealed class NewAmoContact
{
    public required string Name { get; init; }

    public required string RequestId { get; init; }

    public List<NewAmoFieldValues>? CustomFieldsValues { get; init; }
}

/// <summary>One lead of a create request.</summary>
public sealed class NewAmoLead
{
    public required string Name { get; init; }

    public required string RequestId { get; init; }

    public long? StatusId { get; init; }

    public long? PipelineId { get; init; }

    public long? Price { get; init; }

    public List<NewAmoFieldValues>? CustomFieldsValues { get; init; }

    [JsonPropertyName("_embedded")]
    public NewAmoLeadEmbedded? Embedded { get; init; }
}

public sealed class NewAmoLeadEmbedded
{
    public List<NewAmoLeadContact>? Contacts { get; init; }

    public List<NewAmoTag>? Tags { get; init; }
}

/// <summary>
/// A new lead's contact: an existing one by <see cref="Id"/> (main or not), or, in a complex add, a new one with its
/// name and fields.
/// </summary>
public sealed class NewAmoLeadContact
{
    public long? Id { get; init; }

    public bool? IsMain { get; init; }

    public string? Name { get; init; }

    public List<NewAmoFieldValues>? CustomFieldsValues { get; init; }
}

/// <summary>One lead a complex add made: its id, its new contact's, and the request id it was made for.</summary>
public sealed class AmoComplexCreated
{
    public long Id { get; set; }

    public long? ContactId { get; set; }

    public List<string>? RequestId { get; set; }
}

/// <summary>A tag by name: amoCRM makes it when the account has none of that name.</summary>
public sealed class NewAmoTag
{
    public required string Name { get; init; }
}

/// <summary>
/// A custom field's values, the field by id or by code (PHONE, EMAIL); each value a string, number or boolean as the
/// field's type takes it.
/// </summary>
public sealed class NewAmoFieldValues
{
    public long? FieldId { get; init; }

    public string? FieldCode { get; init; }

    public required List<NewAmoTypedValue> Values { get; init; }
}

/// <summary>One value of a field: text, a number or a boolean; a select's enum; a PHONE or EMAIL value's kind (WORK…).</summary>
public sealed class NewAmoTypedValue
{
    public object? Value { get; init; }

    public long? EnumId { get; init; }

    public string? EnumCode { get; init; }
}

/// <summary>A custom field of the account: what a value of it may be.</summary>
public sealed class AmoFieldDefinition
{
    public long Id { get; set; }

    public string? Name { get; set; }

    public string? Code { get; set; }

    public string? Type { get; set; }

    public bool IsComputed { get; set; }

    public List<AmoFieldChoice>? Enums { get; set; }
}

public sealed class AmoFieldChoice
{
    public long Id { get; set; }

    public string? Value { get; set; }
}

public sealed class FieldDefinitionsEmbedded
{
    public List<AmoFieldDefinition> CustomFields { get; set; } = [];
}

/// <summary>A common note on a lead (<c>POST /api/v4/leads/notes</c>).</summary>
public sealed class NewAmoNote
{
    public required long EntityId { get; init; }

    public string NoteType { get; init; } = "common";

    public required NewAmoNoteParams Params { get; init; }
}

public sealed class NewAmoNoteParams
{
    public required string Text { get; init; }
}

/// <summary>A field write on a lead (the POST probe changes the price of its test lead).</summary>
public sealed class LeadPatch
{
    public long? Price { get; init; }
}

/// <summary>
/// A write on a contact: the Digital Pipeline probe renames its test contact with a marker; a form adds the phone or
/// email a contact found by the other lacks.
/// </summary>
public sealed class ContactPatch
{
    public string? Name { get; init; }

    /// <summary>The fields to write; a field sent replaces all its values.</summary>
    public List<NewAmoFieldValues>? CustomFieldsValues { get; init; }
}

/// <summary>What a create answers: the new ids with the request ids they were made for.</summary>
public sealed class CreatedEmbedded
{
    public List<CreatedEntity>? Contacts { get; set; }

    public List<CreatedEntity>? Leads { get; set; }
}

public sealed class CreatedEntity
{
    public long Id { get; set; }

    public string? RequestId { get; set; }
}

public sealed class AmoWebhook
{
    public long Id { get; set; }

    public string? Destination { get; set; }

    public List<string>? Settings { get; set; }

    public bool Disabled { get; set; }
}

public sealed class WebhookSubscribeRequest
{
    public required string Destination { get; init; }

    public required List<string> Settings { get; init; }
}

public sealed class WebhookUnsubscribeRequest
{
    public required string Destination { get; init; }
}

public sealed class TokenRequest
{
    public required string ClientId { get; init; }

    public required string ClientSecret { get; init; }

    public required string GrantType { get; init; }

    public string? Code { get; init; }

    public string? RefreshToken { get; init; }

    public required string RedirectUri { get; init; }
}

public sealed class TokenResponse
{
    public string? TokenType { get; set; }

    public int ExpiresIn { get; set; }

    public string? AccessToken { get; set; }

    public string? RefreshToken { get; set; }
}
