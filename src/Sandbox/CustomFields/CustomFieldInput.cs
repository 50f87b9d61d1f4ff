using System.Text.Json;
using AmoHub.Sandbox.Http;

namespace AmoHub.Sandbox.CustomFields;

/// <summary>One entry of <c>custom_fields_values</c> in a request: the field by id or code, and its values.</summary>
internal sealed record CustomFieldInput(long? FieldId, string? FieldCode, List<CustomFieldValueInput>? Values)
{
    /// <summary>
    /// Checks the <c>custom_fields_values</c> of one entity against the entity's <paramref name="fields"/>: an unknown
    /// field, a field without values, more than one value for a field that takes one, or a value the field's type does
    /// not take is an error in <paramref name="errors"/>, its path naming the entry (<c>custom_fields_values.2.field_code</c>).
    /// Entries naming the same field add to its values. <c>null</c> when the entity sent no <c>custom_fields_values</c>.
    /// </summary>
    public static IReadOnlyList<SandboxCustomField>? Read(IReadOnlyList<CustomField> fields, List<CustomFieldInput>? inputs, List<ValidationError> errors)
    {
        if (inputs is null)
        {
            return null;
        }

        var read = new List<(CustomField Field, List<SandboxCustomFieldValue> Values)>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            var path = $"custom_fields_values.{i}";
            var field = fields.FirstOrDefault(candidate => input.FieldId is { } id
                ? candidate.Id == id
                : candidate.Code is not null && string.Equals(candidate.Code, input.FieldCode, StringComparison.OrdinalIgnoreCase));
            if (field is null)
            {
                var member = input.FieldId is null ? "field_code" : "field_id";
                errors.Add(new ValidationError("NotSupportedChoice", $"{path}.{member}", "The value you selected is not a valid choice."));
                continue;
            }

            if (input.Values is not { Count: > 0 } values)
            {
                errors.Add(new ValidationError("NotBlank", $"{path}.values", "This value should not be blank."));
                continue;
            }

            var entry = read.Find(item => item.Field == field);
            if (entry.Field is null)
            {
                entry = (field, []);
                read.Add(entry);
            }

            if (!field.TakesManyValues && entry.Values.Count + values.Count > 1)
            {
                errors.Add(new ValidationError("Count", $"{path}.values", $"The field {field.Id} takes one value."));
                continue;
            }

            for (var j = 0; j < values.Count; j++)
            {
                if (field.ReadValue(values[j], $"{path}.values.{j}", errors) is { } value)
                {
                    entry.Values.Add(value);
                }
            }
        }

        return read.Select(item => new SandboxCustomField(item.Field.Id, item.Field.Name, item.Field.Code, item.Field.Type, item.Values)).ToList();
    }

    /// <summary>
    /// The values of an entity after an update: each field <paramref name="sent"/> replaces its values, the others keep
    /// theirs, as amoCRM does.
    /// </summary>
    public static IReadOnlyList<SandboxCustomField> Merge(IReadOnlyList<SandboxCustomField> kept, IReadOnlyList<SandboxCustomField>? sent) =>
        sent is null
            ? kept
            : kept.Select(field => sent.FirstOrDefault(update => update.FieldId == field.FieldId) ?? field)
                .Concat(sent.Where(update => kept.All(field => field.FieldId != update.FieldId)))
                .ToList();
}

/// <summary>
/// One value of a field in a request: <c>value</c> as JSON (a string, a number or a boolean, as the field's type takes),
/// the choice or kind by <c>enum_id</c> or <c>enum_code</c>.
/// </summary>
internal sealed record CustomFieldValueInput(JsonElement Value, long? EnumId, string? EnumCode)
{
    /// <summary>
    /// The value as text: a string trimmed, a number as written. <c>null</c>, with the error added, when it is blank or
    /// another JSON type.
    /// </summary>
    public string? RequireText(string path, List<ValidationError> errors)
    {
        var text = Value.ValueKind switch
        {
            JsonValueKind.String => Value.GetString()!.Trim(),
            JsonValueKind.Number => Value.GetRawText(),
            _ => null,
        };
        if (text is { Length: > 0 })
        {
            return text;
        }

        errors.Add(Value.ValueKind is JsonValueKind.String or JsonValueKind.Undefined or JsonValueKind.Null
            ? new ValidationError("NotBlank", $"{path}.value", "This value should not be blank.")
            : InvalidType(path, "string"));
        return null;
    }

    /// <summary>The error of a value that is not of <paramref name="type"/>.</summary>
    public static ValidationError InvalidType(string path, string type) =>
        new("InvalidType", $"{path}.value", $"This value should be of type {type}.");
}
