using System.Text.Json.Serialization;
using AmoHub.Sandbox.Http;

namespace AmoHub.Sandbox.Contacts;

/// <summary>A multitext contact field the sandbox account has: PHONE or EMAIL, with their enum values.</summary>
internal sealed class ContactField
{
    public static readonly ContactField Phone = new(
        70_001, "PHONE", "Телефон", [(80_001, "WORK"), (80_003, "WORKDD"), (80_005, "MOB"), (80_007, "FAX"), (80_009, "HOME"), (80_011, "OTHER")]);

    public static readonly ContactField Email = new(70_003, "EMAIL", "Email", [(80_013, "WORK"), (80_015, "PRIV"), (80_017, "OTHER")]);

    private static readonly ContactField[] All = [Phone, Email];

    private readonly (long Id, string Code)[] _enums;

    private ContactField(long id, string code, string name, (long Id, string Code)[] enums)
    {
        Id = id;
        Code = code;
        Name = name;
        _enums = enums;
    }

    public long Id { get; }

    public string Code { get; }

    public string Name { get; }

    /// <summary>The enum id of <paramref name="enumCode"/>.</summary>
    public long EnumId(string enumCode) => _enums.First(item => item.Code == enumCode).Id;

    /// <summary>
    /// Reads <c>custom_fields_values</c> of a contact. PHONE and EMAIL are the only fields; a field that is not
    /// one of them, an empty value or an unknown enum is a validation error. <c>null</c> lists mean "not sent".
    /// </summary>
    public static (IReadOnlyList<SandboxFieldValue>? Phones, IReadOnlyList<SandboxFieldValue>? Emails) Read(
        List<CustomFieldInput>? fields, List<ValidationError> errors)
    {
        List<SandboxFieldValue>? phones = null;
        List<SandboxFieldValue>? emails = null;
        for (var i = 0; i < (fields?.Count ?? 0); i++)
        {
            var input = fields![i];
            var path = $"custom_fields_values.{i}";
            var field = All.FirstOrDefault(candidate => input.FieldId is { } id
                ? candidate.Id == id
                : string.Equals(candidate.Code, input.FieldCode, StringComparison.OrdinalIgnoreCase));
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

            var target = field == Phone ? phones ??= [] : emails ??= [];
            for (var j = 0; j < values.Count; j++)
            {
                if (field.ReadValue(values[j], $"{path}.values.{j}", errors) is { } value)
                {
                    target.Add(value);
                }
            }
        }

        return (phones, emails);
    }

    private SandboxFieldValue? ReadValue(CustomFieldValueInput input, string path, List<ValidationError> errors)
    {
        if (string.IsNullOrWhiteSpace(input.Value))
        {
            errors.Add(new ValidationError("NotBlank", $"{path}.value", "This value should not be blank."));
            return null;
        }

        var code = input switch
        {
            { EnumId: { } id } => _enums.Where(item => item.Id == id).Select(item => item.Code).FirstOrDefault(),
            { EnumCode: { } enumCode } => _enums
                .Where(item => string.Equals(item.Code, enumCode, StringComparison.OrdinalIgnoreCase))
                .Select(item => item.Code)
                .FirstOrDefault(),
            _ => "WORK",
        };
        if (code is null)
        {
            var member = input.EnumId is null ? "enum_code" : "enum_id";
            errors.Add(new ValidationError("NotSupportedChoice", $"{path}.{member}", "The value you selected is not a valid choice."));
            return null;
        }

        return new SandboxFieldValue(input.Value.Trim(), code);
    }
}

/// <summary>One entry of <c>custom_fields_values</c> in a request: the field by id or code, and its values.</summary>
internal sealed record CustomFieldInput(long? FieldId, string? FieldCode, List<CustomFieldValueInput>? Values);

/// <summary>One value of a field in a request; the enum by id or code (<c>WORK</c> when neither).</summary>
internal sealed record CustomFieldValueInput(string? Value, long? EnumId, string? EnumCode);

/// <summary>One entry of <c>custom_fields_values</c> in an answer; <c>field_code</c> is <c>null</c> for fields without one.</summary>
internal sealed record CustomFieldJson(long FieldId, string FieldName, string? FieldCode, string FieldType, IReadOnlyList<CustomFieldValueJson> Values)
{
    /// <summary>The PHONE and EMAIL entries of a contact, or <c>null</c> when it has neither, as amoCRM sends it.</summary>
    public static IReadOnlyList<CustomFieldJson>? Of(SandboxContact contact)
    {
        var fields = new List<CustomFieldJson>();
        foreach (var (field, values) in new[] { (ContactField.Phone, contact.Phones), (ContactField.Email, contact.Emails) })
        {
            if (values.Count > 0)
            {
                fields.Add(new CustomFieldJson(field.Id, field.Name, field.Code, "multitext", values
                    .Select(value => new CustomFieldValueJson(value.Value, field.EnumId(value.EnumCode), value.EnumCode))
                    .ToList()));
            }
        }

        return fields.Count == 0 ? null : fields;
    }
}

/// <summary>One value of a field in an answer; the enum only for fields that have enums (PHONE, EMAIL).</summary>
internal sealed record CustomFieldValueJson(
    string Value,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? EnumId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? EnumCode);
