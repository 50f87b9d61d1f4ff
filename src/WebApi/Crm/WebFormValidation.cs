using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using AmoHub.Grains.Interfaces.Crm;

namespace AmoHub.WebApi.Crm;

/// <summary>
/// Checks of what a web form sends with a lead: tags, custom field values by code or id, UTM tags and a note. Each
/// failure names its place in the body (<c>tags[0]</c>, <c>customFields[2].code</c>, <c>utm.utm_foo</c>). Whether a
/// field exists and takes the value is for the account grain, which knows the account's fields.
/// </summary>
public static class WebFormValidation
{
    /// <summary>Most tags a lead takes in one request.</summary>
    public const int MaxTags = 50;

    /// <summary>Most custom field values one request carries.</summary>
    public const int MaxFields = 100;

    /// <summary>Longest note.</summary>
    public const int MaxNoteLength = 10_000;

    /// <summary>The UTM tags a form may carry, and the codes of amoCRM's tracking fields that keep them.</summary>
    public static readonly ImmutableDictionary<string, string> UtmFields = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["utm_source"] = "UTM_SOURCE",
        ["utm_medium"] = "UTM_MEDIUM",
        ["utm_campaign"] = "UTM_CAMPAIGN",
        ["utm_content"] = "UTM_CONTENT",
        ["utm_term"] = "UTM_TERM",
    }.ToImmutableDictionary(StringComparer.Ordinal);

    /// <summary>Tag names, trimmed, each 1 to 255 characters, at most <see cref="MaxTags"/>, repeats dropped.</summary>
    public static ImmutableArray<string> Tags(List<string?>? tags, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (tags is null)
        {
            return [];
        }

        if (tags.Count > MaxTags)
        {
            errors["tags"] = [$"has {tags.Count} tags; at most {MaxTags} are allowed."];
            return [];
        }

        var names = new List<string>();
        for (var i = 0; i < tags.Count; i++)
        {
            if (CrmValidation.Text(tags[i], $"tags[{i}]", CrmValidation.MaxNameLength, errors) is { } name
                && !names.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                names.Add(name);
            }
        }

        return [.. names];
    }

    /// <summary>
    /// Custom field values and UTM tags as one list: each custom field by exactly one of <c>code</c> and <c>id</c>, with
    /// exactly one of <c>value</c> and <c>values</c> (strings, numbers or booleans); each UTM tag into its tracking field.
    /// </summary>
    public static ImmutableArray<FieldInput> Fields(
        List<CustomFieldRequest?>? fields, string path, Dictionary<string, string?>? utm, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var inputs = new List<FieldInput>();
        if (fields is { Count: > MaxFields })
        {
            errors[path] = [$"has {fields.Count} values; at most {MaxFields} are allowed."];
            return [];
        }

        for (var i = 0; i < (fields?.Count ?? 0); i++)
        {
            var at = $"{path}[{i}]";
            if (fields![i] is not { } field)
            {
                errors[at] = ["must be an object {code | id, value | values}."];
                continue;
            }

            var code = field.Code?.Trim();
            if (string.IsNullOrEmpty(code) == field.Id is null)
            {
                errors[$"{at}.code"] = ["give exactly one of code and id."];
                continue;
            }

            if (field.Id is <= 0)
            {
                errors[$"{at}.id"] = ["must be an amoCRM field id (a positive number)."];
                continue;
            }

            if (field.Value is null == field.Values is null)
            {
                errors[$"{at}.value"] = ["give exactly one of value and values."];
                continue;
            }

            var raw = field.Values ?? [field.Value!.Value];
            var values = new List<string>();
            for (var j = 0; j < raw.Count; j++)
            {
                if (Text(raw[j]) is { } text)
                {
                    values.Add(text);
                }
                else
                {
                    errors[field.Values is null ? $"{at}.value" : $"{at}.values[{j}]"] = ["must be a string, a number or true/false."];
                }
            }

            if (values.Count == 0 && raw.Count == 0)
            {
                errors[$"{at}.values"] = ["must hold a value."];
            }

            inputs.Add(new FieldInput(string.IsNullOrEmpty(code) ? null : code, field.Id, [.. values], at));
        }

        foreach (var (key, value) in utm ?? [])
        {
            var at = $"utm.{key}";
            if (!UtmFields.TryGetValue(key, out var fieldCode))
            {
                errors[at] = [$"is not a UTM tag AmoHub fills; these are: {string.Join(", ", UtmFields.Keys)}."];
            }
            else if (inputs.Any(input => string.Equals(input.Code, fieldCode, StringComparison.OrdinalIgnoreCase)))
            {
                errors[at] = [$"is also given in {path} as {fieldCode}: give it once."];
            }
            else if (string.IsNullOrWhiteSpace(value))
            {
                // Forms send the tags they lack empty: nothing to keep.
                continue;
            }
            else if (CrmValidation.Text(value, at, CrmValidation.MaxNameLength, errors) is { } text)
            {
                inputs.Add(new FieldInput(fieldCode, null, [text], at));
            }
        }

        return [.. inputs];
    }

    /// <summary>A JSON value as text: a string as it is, a number as written, a boolean as true or false; null for others.</summary>
    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    /// <summary>
    /// A contact's custom field values (<see cref="Fields"/> without UTM tags); its phone and email are given as
    /// <c>phone</c> and <c>email</c>, not as fields. None is the default array, so a request without them reads as one
    /// made before contacts took fields.
    /// </summary>
    public static ImmutableArray<FieldInput> ContactFields(List<CustomFieldRequest?>? fields, string path, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        for (var i = 0; i < (fields?.Count ?? 0); i++)
        {
            if (fields![i]?.Code?.Trim() is { } code && (code.Equals("PHONE", StringComparison.OrdinalIgnoreCase) || code.Equals("EMAIL", StringComparison.OrdinalIgnoreCase)))
            {
                errors[$"{path}[{i}].code"] = [$"{code.ToUpperInvariant()} is given as the contact's {code.ToLowerInvariant()}, not as a custom field."];
            }
        }

        var inputs = Fields(fields, path, null, errors);
        return inputs.IsEmpty ? default : inputs;
    }

    /// <summary>A lead's budget: a whole amount from 0 up.</summary>
    public static long? Price(decimal? price, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (price is null)
        {
            return null;
        }

        if (price < 0 || price > int.MaxValue || decimal.Truncate(price.Value) != price)
        {
            errors["price"] = [string.Create(CultureInfo.InvariantCulture, $"must be a whole amount from 0 to {int.MaxValue}.")];
            return null;
        }

        return (long)price.Value;
    }
}
