using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using AmoHub.Grains.Interfaces.Crm;
using Microsoft.Extensions.Primitives;

namespace AmoHub.WebApi.Crm;

/// <summary>
/// Parses amoCRM's webhook deliveries: form fields in the old v2 format, such as <c>contacts[update][0][id]</c>,
/// <c>contacts[update][0][custom_fields][0][code]=PHONE</c> (or <c>EMAIL</c>), <c>leads[status][0][status_id]</c> and
/// <c>account[subdomain]</c>. Entities AmoHub does not keep (companies, tasks, …) are ignored; a field AmoHub needs
/// that is missing or malformed makes the delivery invalid, with the field named.
/// </summary>
public static partial class AmoCrmWebhookForm
{
    private const int MaxEventsPerDelivery = 500;

    /// <summary>The delivery, or the errors by field name.</summary>
    public static (WebhookDelivery? Delivery, Dictionary<string, string[]> Errors) Parse(IEnumerable<KeyValuePair<string, StringValues>> form, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(form);
        var errors = new Dictionary<string, string[]>();
        var entities = new SortedDictionary<(WebhookEntity Entity, WebhookAction Action, int Index), Dictionary<string, string>>();
        string? subdomain = null;
        long? accountId = null;
        foreach (var (key, values) in form)
        {
            var value = values.ToString();
            if (key == "account[subdomain]")
            {
                subdomain = value;
                continue;
            }

            if (key == "account[id]")
            {
                accountId = ParseLong(value, key, errors);
                continue;
            }

            var match = EntityField().Match(key);
            if (!match.Success)
            {
                continue;
            }

            var entity = match.Groups["entity"].Value == "contacts" ? WebhookEntity.Contact : WebhookEntity.Lead;
            var action = Enum.Parse<WebhookAction>(match.Groups["action"].Value, ignoreCase: true);
            if (!int.TryParse(match.Groups["index"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= MaxEventsPerDelivery)
            {
                errors[key] = [$"An entity index must be below {MaxEventsPerDelivery}."];
                continue;
            }

            if (!entities.TryGetValue((entity, action, index), out var fields))
            {
                if (entities.Count >= MaxEventsPerDelivery)
                {
                    errors[key] = [$"A delivery carries at most {MaxEventsPerDelivery} entities."];
                    continue;
                }

                entities[(entity, action, index)] = fields = new Dictionary<string, string>(StringComparer.Ordinal);
            }

            fields[match.Groups["field"].Value] = value;
        }

        var events = ImmutableArray.CreateBuilder<WebhookEvent>(entities.Count);
        foreach (var ((entity, action, index), fields) in entities)
        {
            var prefix = $"{(entity == WebhookEntity.Contact ? "contacts" : "leads")}[{action.ToString().ToLowerInvariant()}][{index}]";
            var id = fields.TryGetValue("[id]", out var idText) ? ParseLong(idText, prefix + "[id]", errors) : Missing(prefix + "[id]", errors);
            if (id is null)
            {
                continue;
            }

            var (phones, hasPhoneField) = ValuesOf(fields, "PHONE");
            var (emails, hasEmailField) = ValuesOf(fields, "EMAIL");
            events.Add(new WebhookEvent(
                entity,
                action,
                id.Value,
                fields.GetValueOrDefault("[name]"),
                Optional(fields, "[status_id]", prefix, errors),
                Optional(fields, "[pipeline_id]", prefix, errors),
                Time(Optional(fields, "[updated_at]", prefix, errors) ?? Optional(fields, "[last_modified]", prefix, errors)),
                Time(Optional(fields, "[created_at]", prefix, errors) ?? Optional(fields, "[date_create]", prefix, errors)),
                phones,
                hasPhoneField,
                emails,
                hasEmailField));
        }

        return errors.Count > 0
            ? (null, errors)
            : (new WebhookDelivery(subdomain, accountId, events.ToImmutable(), receivedAt), errors);
    }

    /// <summary>The non-blank values of the custom field with this code (PHONE, EMAIL) in order, and whether the event carried it.</summary>
    private static (ImmutableArray<string> Values, bool HasField) ValuesOf(Dictionary<string, string> fields, string code)
    {
        var coded = fields
            .Select(pair => (pair, match: CustomField().Match(pair.Key)))
            .Where(x => x.match.Success && x.match.Groups["prop"].Value == "code" && string.Equals(x.pair.Value, code, StringComparison.OrdinalIgnoreCase))
            .Select(x => x.match.Groups["field"].Value)
            .ToHashSet(StringComparer.Ordinal);
        var values = fields
            .Select(pair => (pair, match: CustomFieldValue().Match(pair.Key)))
            .Where(x => x.match.Success && coded.Contains(x.match.Groups["field"].Value))
            .OrderBy(x => int.Parse(x.match.Groups["field"].Value, CultureInfo.InvariantCulture))
            .ThenBy(x => int.Parse(x.match.Groups["value"].Value, CultureInfo.InvariantCulture))
            .Select(x => x.pair.Value)
            .Where(value => !string.IsNullOrWhiteSpace(value))
            .ToImmutableArray();
        return (values, coded.Count > 0);
    }

    private static long? Optional(Dictionary<string, string> fields, string field, string prefix, Dictionary<string, string[]> errors) =>
        fields.TryGetValue(field, out var text) && !string.IsNullOrEmpty(text) ? ParseLong(text, prefix + field, errors) : null;

    private static long? ParseLong(string text, string key, Dictionary<string, string[]> errors)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        errors[key] = ["must be a whole number."];
        return null;
    }

    private static long? Missing(string key, Dictionary<string, string[]> errors)
    {
        errors[key] = ["is required."];
        return null;
    }

    private static DateTimeOffset? Time(long? unixSeconds) =>
        unixSeconds is { } seconds && seconds > 0 && seconds < 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    [GeneratedRegex(@"^(?<entity>contacts|leads)\[(?<action>add|update|delete|status|restore)\]\[(?<index>[0-9]{1,6})\](?<field>\[.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex EntityField();

    [GeneratedRegex(@"^\[custom_fields\]\[(?<field>[0-9]{1,4})\]\[(?<prop>code|id|name)\]$", RegexOptions.CultureInvariant)]
    private static partial Regex CustomField();

    [GeneratedRegex(@"^\[custom_fields\]\[(?<field>[0-9]{1,4})\]\[values\]\[(?<value>[0-9]{1,4})\](\[value\])?$", RegexOptions.CultureInvariant)]
    private static partial Regex CustomFieldValue();
}
