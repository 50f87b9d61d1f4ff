using System.Globalization;
using System.Text.Json.Serialization;
using AmoHub.Sandbox.Contacts;
using AmoHub.Sandbox.Leads;

namespace AmoHub.Sandbox.CustomFields;

/// <summary>One entry of <c>custom_fields_values</c> in an answer; <c>field_code</c> is <c>null</c> for fields without one.</summary>
internal sealed record CustomFieldJson(long FieldId, string FieldName, string? FieldCode, string FieldType, IReadOnlyList<CustomFieldValueJson> Values)
{
    /// <summary>A contact's entries, PHONE and EMAIL first, or <c>null</c> when it has none, as amoCRM sends it.</summary>
    public static IReadOnlyList<CustomFieldJson>? Of(SandboxContact contact)
    {
        var fields = new List<CustomFieldJson>();
        foreach (var (field, values) in new[] { (CustomFieldCatalog.Phone, contact.Phones), (CustomFieldCatalog.Email, contact.Emails) })
        {
            if (values.Count > 0)
            {
                fields.Add(new CustomFieldJson(field.Id, field.Name, field.Code, field.Type, values
                    .Select(value => new CustomFieldValueJson(value.Value, field.EnumId(value.EnumCode), value.EnumCode))
                    .ToList()));
            }
        }

        fields.AddRange(contact.CustomFields.Select(From));
        return fields.Count == 0 ? null : fields;
    }

    /// <summary>A lead's entries, or <c>null</c> when it has none, as amoCRM sends it.</summary>
    public static IReadOnlyList<CustomFieldJson>? Of(SandboxLead lead) => lead.CustomFields.Count == 0 ? null : lead.CustomFields.Select(From).ToList();

    /// <summary>
    /// The entry of <paramref name="field"/>: a checkbox's value as a JSON boolean, a date's as a number of Unix seconds,
    /// every other value as a string.
    /// </summary>
    private static CustomFieldJson From(SandboxCustomField field) => new(
        field.FieldId,
        field.FieldName,
        field.FieldCode,
        field.FieldType,
        field.Values
            .Select(value => new CustomFieldValueJson(
                field.FieldType switch
                {
                    CustomFieldType.Checkbox => value.Value == "true",
                    CustomFieldType.Date => long.Parse(value.Value, CultureInfo.InvariantCulture),
                    _ => value.Value,
                },
                value.EnumId,
                value.EnumCode))
            .ToList());
}

/// <summary>One value of a field in an answer; the enum only for fields that have enums.</summary>
internal sealed record CustomFieldValueJson(
    object Value,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? EnumId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? EnumCode);
