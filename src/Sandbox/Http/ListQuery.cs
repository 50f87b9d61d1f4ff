using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace AmoHub.Sandbox.Http;

/// <summary>What a list request asks for: the query parameters amoCRM's list endpoints share.</summary>
internal sealed record ListQuery(
    int Page,
    int Limit,
    string? Search,
    long? UpdatedFrom,
    long? UpdatedTo,
    IReadOnlySet<long>? Ids,
    bool OrderByUpdatedAt,
    bool Descending,
    IReadOnlySet<string> With)
{
    /// <summary>The largest page amoCRM serves.</summary>
    public const int MaxLimit = 250;

    private const int DefaultLimit = 50;
    private const string IdFilter = "filter[id]";

    /// <summary>
    /// Reads <c>page</c>, <c>limit</c>, <c>query</c>, <c>filter[updated_at][from|to]</c>, <c>filter[id][]</c>,
    /// <c>order[updated_at|id]</c> and <c>with</c>; a bad value is a 400 validation error. When
    /// <paramref name="supportedWith"/> is given, a <c>with</c> value outside it is a bad value too.
    /// </summary>
    public static Checked<ListQuery> Parse(IQueryCollection query, IReadOnlySet<string>? supportedWith = null)
    {
        var errors = new List<ValidationError>();
        var page = ReadNumber(query, "page", errors) ?? 1;
        var limit = ReadNumber(query, "limit", errors) ?? DefaultLimit;
        if (page < 1)
        {
            errors.Add(new ValidationError("GreaterThanOrEqual", "page", "This value should be greater than or equal to 1."));
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors.Add(new ValidationError("LessThanOrEqual", "limit", $"This value should be between 1 and {MaxLimit}."));
        }

        var from = ReadNumber(query, "filter[updated_at][from]", errors);
        var to = ReadNumber(query, "filter[updated_at][to]", errors);
        var ids = ReadIds(query, errors);
        var (byUpdatedAt, descending) = ReadOrder(query, errors);
        var with = ReadWith(query);
        if (supportedWith is not null && with.FirstOrDefault(value => !supportedWith.Contains(value)) is { } unsupported)
        {
            errors.Add(new ValidationError(
                "NotSupportedChoice", "with", $"The value '{unsupported}' is not a valid choice; supported: {string.Join(", ", supportedWith.Order(StringComparer.Ordinal))}."));
        }

        if (errors.Count > 0)
        {
            return AmoProblem.Validation([new RequestErrors(null, errors)]);
        }

        var search = query["query"].ToString();
        return Checked.Ok(new ListQuery(
            (int)page, (int)limit, search.Length == 0 ? null : search, from, to, ids, byUpdatedAt, descending, with));
    }

    /// <summary>This query with at most <paramref name="cap"/> items a page.</summary>
    public ListQuery CappedAt(int cap) => Limit <= cap ? this : this with { Limit = cap };

    /// <summary>Reads <c>with=contacts,…</c>: what the answer should embed.</summary>
    public static IReadOnlySet<string> ReadWith(IQueryCollection query) =>
        query["with"].ToString()
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Filters, orders and cuts out the asked page; <c>HasMore</c> says whether another page follows.</summary>
    public (IReadOnlyList<T> Items, bool HasMore) Select<T>(
        IEnumerable<T> all, Func<T, long> id, Func<T, long> updatedAt, Func<T, string, bool> matches)
    {
        var filtered = all.Where(item =>
            (Ids is null || Ids.Contains(id(item)))
            && (UpdatedFrom is not { } from || updatedAt(item) >= from)
            && (UpdatedTo is not { } to || updatedAt(item) <= to)
            && (Search is null || matches(item, Search)));
        var key = OrderByUpdatedAt ? updatedAt : id;
        var ordered = Descending
            ? filtered.OrderByDescending(key).ThenByDescending(id)
            : filtered.OrderBy(key).ThenBy(id);
        return Window(ordered);
    }

    /// <summary>Cuts the asked page out of <paramref name="ordered"/>; <c>HasMore</c> says whether another page follows.</summary>
    public (IReadOnlyList<T> Items, bool HasMore) Window<T>(IEnumerable<T> ordered)
    {
        var window = ordered.Skip((Page - 1) * Limit).Take(Limit + 1).ToList();
        var hasMore = window.Count > Limit;
        return (hasMore ? window[..Limit] : window, hasMore);
    }

    private static long? ReadNumber(IQueryCollection query, string name, List<ValidationError> errors)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add(new ValidationError("InvalidType", name, "This value should be of type int."));
        return null;
    }

    private static HashSet<long>? ReadIds(IQueryCollection query, List<ValidationError> errors)
    {
        // filter[id]=1,2 or filter[id][]=1&filter[id][]=2 or filter[id][0]=1&filter[id][1]=2.
        HashSet<long>? ids = null;
        foreach (var (key, values) in query)
        {
            if (key != IdFilter && !(key.StartsWith(IdFilter + "[", StringComparison.Ordinal) && key.EndsWith(']')))
            {
                continue;
            }

            ids ??= [];
            foreach (var part in values.SelectMany(value => (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)))
            {
                if (long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    ids.Add(id);
                }
                else
                {
                    errors.Add(new ValidationError("InvalidType", key, "This value should be of type int."));
                }
            }
        }

        return ids;
    }

    private static (bool ByUpdatedAt, bool Descending) ReadOrder(IQueryCollection query, List<ValidationError> errors)
    {
        foreach (var (name, byUpdatedAt) in new[] { ("order[updated_at]", true), ("order[id]", false) })
        {
            var direction = query[name].ToString();
            switch (direction)
            {
                case "":
                    continue;
                case "asc":
                    return (byUpdatedAt, false);
                case "desc":
                    return (byUpdatedAt, true);
                default:
                    errors.Add(new ValidationError("NotSupportedChoice", name, "The value you selected is not a valid choice."));
                    return (false, false);
            }
        }

        return (false, false);
    }
}
