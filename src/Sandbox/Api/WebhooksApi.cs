using System.Text.Json.Serialization;
using AmoHub.Sandbox.Accounts;
using AmoHub.Sandbox.Http;
using AmoHub.Sandbox.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace AmoHub.Sandbox.Api;

/// <summary>The body of <c>POST</c> and <c>DELETE api/v4/webhooks</c>.</summary>
internal sealed record WebhookInput(string? Destination, List<string>? Settings);

/// <summary>A webhook as amoCRM sends it.</summary>
internal sealed record WebhookJson(
    long Id, string Destination, long CreatedAt, long UpdatedAt, long AccountId, long CreatedBy, int Sort, bool Disabled, IReadOnlyList<string> Settings)
{
    public static WebhookJson From(SandboxWebhook webhook, long accountId) => new(
        webhook.Id, webhook.Destination, webhook.CreatedAt, webhook.UpdatedAt, accountId, SandboxAccount.ApiUserId, 1, webhook.Disabled, webhook.Settings);
}

/// <summary>The answer of <c>GET api/v4/webhooks</c>.</summary>
internal sealed record WebhookListJson(
    [property: JsonPropertyName("_total_items")] int TotalItems,
    [property: JsonPropertyName("_embedded")] WebhookListEmbeddedJson Embedded);

/// <summary><c>_embedded</c> of the webhook list.</summary>
internal sealed record WebhookListEmbeddedJson(IReadOnlyList<WebhookJson> Webhooks);

/// <summary><c>api/v4/webhooks</c>: list, subscribe, unsubscribe.</summary>
internal static class WebhooksApi
{
    /// <summary>The events amoCRM lets a webhook subscribe to. The sandbox fires the contact and lead ones.</summary>
    private static readonly HashSet<string> KnownSettings = new(
        new[] { "lead", "contact", "company", "customer" }
            .SelectMany(entity => new[] { "add", "update", "delete", "restore", "responsible", "note" }.Select(action => $"{action}_{entity}"))
            .Concat(["status_lead", "add_task", "update_task", "delete_task", "add_talk", "update_talk", "add_chat_template_review"]),
        StringComparer.Ordinal);

    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("webhooks");
        group.MapGet("", List);
        group.MapPost("", SubscribeAsync);
        group.MapDelete("", UnsubscribeAsync);
        return group;
    }

    private static Results<HalJson<WebhookListJson>, NoContent> List(SandboxAccount account, HttpRequest request)
    {
        var destination = request.Query["filter[destination]"].ToString();
        var webhooks = account.Webhooks()
            .Where(webhook => destination.Length == 0 || webhook.Destination == destination)
            .Select(webhook => WebhookJson.From(webhook, account.Id))
            .ToList();
        return webhooks.Count == 0
            ? TypedResults.NoContent()
            : HalJson.Ok(new WebhookListJson(webhooks.Count, new WebhookListEmbeddedJson(webhooks)));
    }

    private static async Task<Results<HalJson<WebhookJson>, AmoProblem>> SubscribeAsync(SandboxAccount account, HttpRequest request)
    {
        var body = await RequestBody.ReadObjectAsync<WebhookInput>(request);
        if (body.Failed)
        {
            return body.Problem;
        }

        var errors = new List<ValidationError>();
        var destination = ReadDestination(body.Value, errors);
        var settings = body.Value.Settings ?? [];
        if (settings.Count == 0)
        {
            errors.Add(new ValidationError("NotBlank", "settings", "This value should not be blank."));
        }

        errors.AddRange(settings
            .Select((setting, i) => (setting, i))
            .Where(item => !KnownSettings.Contains(item.setting))
            .Select(item => new ValidationError("NotSupportedChoice", $"settings.{item.i}", "The value you selected is not a valid choice.")));
        if (destination is null || errors.Count > 0)
        {
            return AmoProblem.Validation([new RequestErrors(null, errors)]);
        }

        return HalJson.Ok(WebhookJson.From(account.Subscribe(destination, settings), account.Id));
    }

    private static async Task<Results<NoContent, AmoProblem>> UnsubscribeAsync(SandboxAccount account, HttpRequest request)
    {
        var body = await RequestBody.ReadObjectAsync<WebhookInput>(request);
        if (body.Failed)
        {
            return body.Problem;
        }

        var errors = new List<ValidationError>();
        var destination = ReadDestination(body.Value, errors);
        if (destination is null)
        {
            return AmoProblem.Validation([new RequestErrors(null, errors)]);
        }

        account.Unsubscribe(destination);
        return TypedResults.NoContent();
    }

    private static string? ReadDestination(WebhookInput input, List<ValidationError> errors)
    {
        if (Uri.TryCreate(input.Destination, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return input.Destination;
        }

        errors.Add(new ValidationError("InvalidUrl", "destination", "This value is not a valid URL."));
        return null;
    }
}
