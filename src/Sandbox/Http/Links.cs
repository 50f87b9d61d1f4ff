using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace AmoHub.Sandbox.Http;

/// <summary>A HAL link.</summary>
internal sealed record Link(string Href);

/// <summary>HAL <c>_links</c> with only <c>self</c>.</summary>
internal sealed record SelfLinks(Link Self);

/// <summary>HAL <c>_links</c> of a list page: <c>next</c> only when another page follows.</summary>
internal sealed record PageLinks(Link Self, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Link? Next);

/// <summary>Builds absolute hrefs under an account's <c>api/v4</c>, from the host the client used.</summary>
/// <param name="request">The request being answered.</param>
/// <param name="accountPath">The account's path on the sandbox, such as <c>/acme/</c>.</param>
internal sealed class ApiLinks(HttpRequest request, string accountPath)
{
    private readonly string _root = $"{request.Scheme}://{request.Host}{accountPath}api/v4/";

    /// <summary>The link to <c>api/v4/{path}</c>.</summary>
    public SelfLinks To(string path) => new(new Link(_root + path));

    /// <summary>The links of a list page at <c>api/v4/{path}</c>, keeping the other query parameters.</summary>
    public PageLinks Page(string path, ListQuery query, bool hasMore)
    {
        var self = PageHref(path, query.Page, query.Limit);
        return new PageLinks(new Link(self), hasMore ? new Link(PageHref(path, query.Page + 1, query.Limit)) : null);
    }

    private string PageHref(string path, int page, int limit)
    {
        var parameters = request.Query
            .Where(pair => pair.Key is not ("page" or "limit"))
            .SelectMany(pair => pair.Value.Select(value => KeyValuePair.Create(pair.Key, value)))
            .Append(KeyValuePair.Create("page", (string?)page.ToString(CultureInfo.InvariantCulture)))
            .Append(KeyValuePair.Create("limit", (string?)limit.ToString(CultureInfo.InvariantCulture)));
        return _root + path + QueryString.Create(parameters);
    }
}
