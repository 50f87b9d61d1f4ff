using AmoHub.Sandbox.Accounts;
using AmoHub.Sandbox.CustomFields;
using AmoHub.Sandbox.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace AmoHub.Sandbox.Api;

/// <summary><c>api/v4/{entity}/custom_fields</c>: the fields of contacts or leads (<see cref="CustomFieldCatalog"/>), in pages.</summary>
internal static class CustomFieldsApi
{
    /// <summary>Maps the field list under <paramref name="entity"/>, the group of <paramref name="type"/>.</summary>
    public static RouteHandlerBuilder MapCustomFieldsApi(this IEndpointRouteBuilder entity, SandboxEntityType type) =>
        entity.MapGet("custom_fields", (SandboxAccount account, HttpRequest request) => List(account, request, type));

    private static Results<HalJson<CustomFieldListJson>, NoContent, AmoProblem> List(SandboxAccount account, HttpRequest request, SandboxEntityType type)
    {
        var query = ListQuery.Parse(request.Query);
        if (query.Failed)
        {
            return query.Problem;
        }

        var fields = CustomFieldCatalog.For(type);
        var page = query.Value.CappedAt(account.PageCap);
        var (items, hasMore) = page.Window(fields);
        if (items.Count == 0)
        {
            return TypedResults.NoContent();
        }

        var links = new ApiLinks(request, account.Path);
        var pipelines = account.Pipelines();
        return HalJson.Ok(new CustomFieldListJson(
            fields.Count,
            page.Page,
            (fields.Count + page.Limit - 1) / page.Limit,
            links.Page($"{type.Path()}/custom_fields", page, hasMore),
            new CustomFieldListEmbeddedJson(items.Select(field => CustomFieldDefinitionJson.From(field, type, pipelines, account.Id, links)).ToList())));
    }
}
