using System.Globalization;
using System.Text.Json;
using AmoHub.Sandbox.Http;

namespace AmoHub.Sandbox.CustomFields;

/// <summary>amoCRM's names of the field types the sandbox models.</summary>
internal static class CustomFieldType
{
    public const string Text = "text";
    public const string Numeric = "numeric";
    public const string Checkbox = "checkbox";
    public const string Select = "select";
    public const string Multiselect = "multiselect";
    public const string Date = "date";
    public const string Url = "url";
    public const string Textarea = "textarea";
    public const string Multitext = "multitext";
    public const string TrackingData = "tracking_data";
}

/// <summary>One choice of a select or multiselect field, or one kind of a multitext value (<c>WORK</c>, <c>MOB</c>, …).</summary>
/// <param name="Id">Its id: a value may name it as <c>enum_id</c>.</param>
/// <param name="Value">The choice's text, or the kind's code (a multitext value's <c>enum_code</c>).</param>
/// <param name="Sort">Its place in the list.</param>
internal sealed record CustomFieldEnum(long Id, string Value, int Sort);

/// <summary>A custom field of contacts or leads, as <c>GET api/v4/{entity}/custom_fields</c> describes it.</summary>
/// <param name="Id">Its id: a value names the field by it as <c>field_id</c>.</param>
/// <param name="Name">Its name in the web UI.</param>
/// <param name="Code">Its code, which a value may name instead of the id (<c>field_code</c>); <c>null</c> for most account fields.</param>
/// <param name="Type">Its type, one of <see cref="CustomFieldType"/>.</param>
/// <param name="Sort">Its place in the list.</param>
/// <param name="IsPredefined">Whether amoCRM makes it in every account (PHONE, EMAIL, the UTM fields), so nobody can delete it.</param>
/// <param name="Enums">Its choices (select, multiselect) or kinds (multitext); <c>null</c> for other types.</param>
internal sealed record CustomField(long Id, string Name, string? Code, string Type, int Sort, bool IsPredefined, IReadOnlyList<CustomFieldEnum>? Enums)
{
    /// <summary>The kind a multitext value takes when it names none.</summary>
    private const string DefaultKind = "WORK";

    /// <summary>Whether an entity may hold several values of it: multiselect and multitext fields.</summary>
    public bool TakesManyValues => Type is CustomFieldType.Multiselect or CustomFieldType.Multitext;

    /// <summary>The enum id of the choice or kind <paramref name="value"/>, which the field has.</summary>
    public long EnumId(string value) => Enums!.First(item => item.Value == value).Id;

    /// <summary>
    /// Reads one value of this field from a request, as its type takes it: text of any length but none; a number, or a
    /// string holding one, for numeric; <c>true</c> or <c>false</c> for a checkbox; whole Unix seconds for a date; one of the
    /// choices, by <c>enum_id</c> or by its text, for select and multiselect; a kind by <c>enum_id</c> or
    /// <c>enum_code</c> (<c>WORK</c> when neither) for multitext. <c>null</c>, with the error added, when it takes none.
    /// </summary>
    public SandboxCustomFieldValue? ReadValue(CustomFieldValueInput input, string path, List<ValidationError> errors)
    {
        switch (Type)
        {
            case CustomFieldType.Select or CustomFieldType.Multiselect:
                return ReadChoice(input, path, errors);
            case CustomFieldType.Multitext:
                return ReadKind(input, path, errors);
            case CustomFieldType.Checkbox:
                return ReadCheckbox(input, path, errors);
        }

        if (input.RequireText(path, errors) is not { } text)
        {
            return null;
        }

        var (valid, expected) = Type switch
        {
            CustomFieldType.Numeric => (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _), "numeric"),
            CustomFieldType.Date => (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _), "int (Unix seconds)"),
            _ => (true, ""),
        };
        if (!valid)
        {
            errors.Add(CustomFieldValueInput.InvalidType(path, expected));
            return null;
        }

        return new SandboxCustomFieldValue(text);
    }

    private static SandboxCustomFieldValue? ReadCheckbox(CustomFieldValueInput input, string path, List<ValidationError> errors)
    {
        switch (input.Value.ValueKind)
        {
            case JsonValueKind.True or JsonValueKind.False:
                return new SandboxCustomFieldValue(input.Value.ValueKind == JsonValueKind.True ? "true" : "false");
            case JsonValueKind.Undefined or JsonValueKind.Null:
                errors.Add(new ValidationError("NotBlank", $"{path}.value", "This value should not be blank."));
                return null;
            default:
                errors.Add(CustomFieldValueInput.InvalidType(path, "bool"));
                return null;
        }
    }

    private SandboxCustomFieldValue? ReadChoice(CustomFieldValueInput input, string path, List<ValidationError> errors)
    {
        if (input.EnumId is { } id)
        {
            return Enums!.FirstOrDefault(item => item.Id == id) is { } byId
                ? new SandboxCustomFieldValue(byId.Value, byId.Id)
                : NotAChoice($"{path}.enum_id", errors);
        }

        if (input.RequireText(path, errors) is not { } text)
        {
            return null;
        }

        return Enums!.FirstOrDefault(item => item.Value == text) is { } byValue
            ? new SandboxCustomFieldValue(byValue.Value, byValue.Id)
            : NotAChoice($"{path}.value", errors);
    }

    private SandboxCustomFieldValue? ReadKind(CustomFieldValueInput input, string path, List<ValidationError> errors)
    {
        if (input.RequireText(path, errors) is not { } text)
        {
            return null;
        }

        var kind = input switch
        {
            { EnumId: { } id } => Enums!.FirstOrDefault(item => item.Id == id),
            { EnumCode: { } code } => Enums!.FirstOrDefault(item => string.Equals(item.Value, code, StringComparison.OrdinalIgnoreCase)),
            _ => Enums!.First(item => item.Value == DefaultKind),
        };
        return kind is null
            ? NotAChoice(input.EnumId is null ? $"{path}.enum_code" : $"{path}.enum_id", errors)
            : new SandboxCustomFieldValue(text, kind.Id, kind.Value);
    }

    private static SandboxCustomFieldValue? NotAChoice(string path, List<ValidationError> errors)
    {
        errors.Add(new ValidationError("NotSupportedChoice", path, "The value you selected is not a valid choice."));
        return null;
    }
}
