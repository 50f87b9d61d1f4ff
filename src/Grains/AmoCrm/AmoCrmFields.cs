using System.Collections.Immutable;
using System.Globalization;
using AmoHub.Grains.Crm;
using AmoHub.Grains.Interfaces.Crm;
using Microsoft.Extensions.Logging;

namespace AmoHub.Grains.AmoCrm;

/// <summary>
/// The account's custom fields, for contacts and for leads, and the check of a value against them. They are read from
/// amoCRM (<c>GET /api/v4/{contacts|leads}/custom_fields</c>, every page, inside the account's budget) when first
/// needed and kept while the grain is active; a code, id or choice they do not hold reads them again, once, before
/// the value is refused, so a field added in amoCRM meanwhile is found. Used on the account grain's scheduler only.
/// </summary>
public sealed partial class AmoCrmFields
{
    private const int PageSize = 250;

    /// <summary>Types that hold one value; <c>multiselect</c> and <c>multitext</c> hold several.</summary>
    private static readonly HashSet<string> SingleValued = new(StringComparer.Ordinal)
    {
        "text", "textarea", "url", "numeric", "checkbox", "select", "radiobutton", "date", "date_time", "birthday", "tracking_data", "price",
    };

    private readonly Func<string> _account;
    private readonly AmoCrmConnection _connection;
    private readonly ILogger _logger;
    private readonly Dictionary<FieldEntity, Coalescer> _reads = [];
    private readonly Dictionary<FieldEntity, IReadOnlyList<AmoFieldDefinition>> _fields = [];

    /// <summary>Reads through <paramref name="connection"/> for the account <paramref name="account"/> names.</summary>
    public AmoCrmFields(Func<string> account, AmoCrmConnection connection, ILogger logger)
    {
        _account = account;
        _connection = connection;
        _logger = logger;
        foreach (var entity in Enum.GetValues<FieldEntity>())
        {
            _reads[entity] = new Coalescer(() => ReadAsync(entity));
        }
    }

    /// <summary>The values checked and given as amoCRM takes them.</summary>
    /// <exception cref="InvalidFieldException">Naming the first value that does not fit, by its path.</exception>
    public async Task<ImmutableArray<ResolvedField>> ResolveAsync(FieldEntity entity, ImmutableArray<FieldInput> inputs)
    {
        if (inputs.IsDefaultOrEmpty)
        {
            return [];
        }

        var fresh = false;
        if (!_fields.ContainsKey(entity))
        {
            await _reads[entity].RunAsync();
            fresh = true;
        }

        var (resolved, refusal) = Resolve(entity, inputs);
        if (refusal is not null && !fresh)
        {
            await _reads[entity].RunAsync();
            (resolved, refusal) = Resolve(entity, inputs);
        }

        return refusal is null ? resolved : throw refusal;
    }

    private (ImmutableArray<ResolvedField> Resolved, InvalidFieldException? Refusal) Resolve(FieldEntity entity, ImmutableArray<FieldInput> inputs)
    {
        var fields = _fields.GetValueOrDefault(entity) ?? [];
        var resolved = ImmutableArray.CreateBuilder<ResolvedField>(inputs.Length);
        foreach (var input in inputs)
        {
            var field = input.Id is { } id
                ? fields.FirstOrDefault(candidate => candidate.Id == id)
                : fields.FirstOrDefault(candidate => string.Equals(candidate.Code, input.Code, StringComparison.OrdinalIgnoreCase));
            if (field is null)
            {
                return ([], new InvalidFieldException(
                    input.Id is not null ? $"{input.Path}.id" : $"{input.Path}.code",
                    $"amoCRM account {_account()} has no {Noun(entity)} custom field {(input.Id?.ToString(CultureInfo.InvariantCulture) ?? input.Code)}."));
            }

            var (values, problem) = Values(field, input);
            if (problem is not null)
            {
                return ([], new InvalidFieldException(problem.Value.Path, problem.Value.Message));
            }

            resolved.Add(new ResolvedField(field.Id, field.Type ?? "text", values));
        }

        return (resolved.ToImmutable(), null);
    }

    /// <summary>The values of <paramref name="input"/> as <paramref name="field"/> takes them, or what is wrong.</summary>
    private static (ImmutableArray<ResolvedValue> Values, (string Path, string Message)? Problem) Values(AmoFieldDefinition field, FieldInput input)
    {
        var type = field.Type ?? "text";
        var name = $"«{field.Name}» ({type})";
        if (field.IsComputed)
        {
            return ([], ($"{input.Path}.{(input.Id is null ? "code" : "id")}", $"Field {name} is computed by amoCRM and takes no value."));
        }

        if (input.Values.IsDefaultOrEmpty)
        {
            return ([], ($"{input.Path}.value", $"Field {name} needs a value."));
        }

        if (input.Values.Length > 1 && SingleValued.Contains(type))
        {
            return ([], ($"{input.Path}.values", $"Field {name} holds one value; {input.Values.Length} were given."));
        }

        var values = ImmutableArray.CreateBuilder<ResolvedValue>(input.Values.Length);
        for (var i = 0; i < input.Values.Length; i++)
        {
            var text = input.Values[i].Trim();
            var path = input.Values.Length == 1 ? $"{input.Path}.value" : $"{input.Path}.values[{i}]";
            ResolvedValue? value = type switch
            {
                "text" or "textarea" or "url" or "tracking_data" or "multitext" => text.Length is > 0 and <= 10_000 ? new ResolvedValue(text) : null,
                "numeric" or "price" => decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var number)
                    ? new ResolvedValue(number.ToString(CultureInfo.InvariantCulture)) : null,
                "checkbox" => text.ToLowerInvariant() switch
                {
                    "true" or "1" or "yes" => new ResolvedValue("true"),
                    "false" or "0" or "no" => new ResolvedValue("false"),
                    _ => null,
                },
                "date" or "date_time" or "birthday" => UnixTime(text) is { } unix ? new ResolvedValue(unix.ToString(CultureInfo.InvariantCulture)) : null,
                "select" or "radiobutton" or "multiselect" =>
                    (field.Enums ?? []).FirstOrDefault(choice => string.Equals(choice.Value?.Trim(), text, StringComparison.OrdinalIgnoreCase)) is { } choice
                        ? new ResolvedValue(choice.Value, choice.Id) : null,
                _ => null,
            };
            if (value is null)
            {
                return ([], (path, type switch
                {
                    "text" or "textarea" or "url" or "tracking_data" or "multitext" => $"Field {name} takes text of 1 to 10,000 characters.",
                    "numeric" or "price" => $"Field {name} takes a number (\"1500\", \"12.5\").",
                    "checkbox" => $"Field {name} takes true or false.",
                    "date" or "date_time" or "birthday" => $"Field {name} takes a date (2026-12-07, 2026-12-07T10:00:00+03:00 or Unix seconds).",
                    "select" or "radiobutton" or "multiselect" =>
                        $"Field {name} takes one of: {string.Join(", ", (field.Enums ?? []).Select(choice => choice.Value))}.",
                    _ => $"Field {name} is of a type AmoHub does not fill.",
                }));
            }

            values.Add(value);
        }

        return (values.ToImmutable(), null);
    }

    private static long? UnixTime(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.ToUnixTimeSeconds()
        : null;

    private static string Noun(FieldEntity entity) => entity == FieldEntity.Contacts ? "contact" : "lead";

    private async Task ReadAsync(FieldEntity entity)
    {
        var path = entity == FieldEntity.Contacts ? "contacts" : "leads";
        var fields = new List<AmoFieldDefinition>();
        for (var page = 1; ; page++)
        {
            var number = page;
            var list = await _connection.CallAsync((api, token, ct) => api.ListFieldsAsync(token, path, number, PageSize, ct), retryUnknownOutcome: true);
            fields.AddRange(list?.Embedded?.CustomFields ?? []);
            if (list is not { HasNext: true })
            {
                break;
            }
        }

        _fields[entity] = fields;
        var account = _account();
        LogRead(_logger, account, fields.Count, path);
    }

    /// <summary>A value written as amoCRM's JSON takes it for a field of <paramref name="type"/>.</summary>
    public static object? Json(string type, ResolvedValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return type switch
        {
            _ when value.EnumId is not null => null,
            "numeric" or "price" => decimal.Parse(value.Value!, CultureInfo.InvariantCulture),
            "checkbox" => value.Value == "true",
            "date" or "date_time" or "birthday" => long.Parse(value.Value!, CultureInfo.InvariantCulture),
            _ => value.Value,
        };
    }

    [LoggerMessage(EventId = 4027, Level = LogLevel.Information, Message = "Account {Account}: read {Count} {Entity} custom fields from amoCRM")]
    private static partial void LogRead(ILogger logger, string account, int count, string entity);
}
