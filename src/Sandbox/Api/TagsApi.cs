using AmoHub.Sandbox.Accounts;
using AmoHub.Sandbox.Http;
using AmoHub.Sandbox.Tags;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace AmoHub.Sandbox.Api;

/// <summary>
/// <c>api/v4/{entity}/tags</c>: the tags of contacts or leads, in pages, by id; <c>query</c> finds them by a part of the
/// name. Tags come into being as entities name them.
/// </summary>
internal static class TagsApi
{
    /// <summary>Maps the tag list under <paramref name="entity"/>, the group of <paramref name="type"/>.</summary>
    public static RouteHandlerBuilder MapTagsApi(this IEndpointRouteBuilder entity, SandboxEntityType type) =>
        entity.MapGet("tags", (SandboxAccount account, HttpRequest request) => List(account, request, type));

    private static Results<HalJson<TagPageJson>, NoContent, AmoProblem> List(SandboxAccount account, HttpRequest request, SandboxEntityType type)
    {
        var query = ListQuery.Parse(request.Query);
        if (query.Failed)
        {
            return query.Problem;
        }

        var page = query.Value.CappedAt(account.PageCap);
        var (tags, hasMore) = account.ListTags(type, page);
        return tags.Count == 0
            ? TypedResults.NoContent()
            : HalJson.Ok(new TagPageJson(
                page.Page,
                new ApiLinks(request, account.Path).Page($"{type.Path()}/tags", page, hasMore),
                new TagListJson(tags.Select(TagJson.From).ToList())));
    }
}
