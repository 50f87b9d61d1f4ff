using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AmoHub.WebApi.Hosting;

/// <summary>
/// What the OpenAPI document (and the reference at <c>/docs</c> over it) says beyond the handlers' types: the
/// problems every API route may answer, and an example body for the endpoints that take one.
/// </summary>
public static class ApiDocs
{
    /// <summary>
    /// The problems any route of a group may answer: 401 without a valid key, 403 with a role too low, 429 past the
    /// rate limit, 503 while the database or the cluster does not answer.
    /// </summary>
    public static TBuilder ProducesApiProblems<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(ProblemDetails), [ProblemJson]))
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(ProblemDetails), [ProblemJson]))
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status429TooManyRequests, typeof(ProblemDetails), [ProblemJson]))
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(ProblemDetails), [ProblemJson]));

    /// <summary>The endpoint's JSON request body is shown with <paramref name="json"/> as its example.</summary>
    public static RouteHandlerBuilder WithRequestExample(this RouteHandlerBuilder builder, [StringSyntax(StringSyntaxAttribute.Json)] string json) =>
        builder.WithRequestExample("application/json", json);

    /// <summary>
    /// The endpoint's request body of <paramref name="contentType"/> is shown with <paramref name="json"/> (its fields,
    /// for a form) as its example; an endpoint that reads its body itself gets it documented so.
    /// </summary>
    public static RouteHandlerBuilder WithRequestExample(this RouteHandlerBuilder builder, string contentType, [StringSyntax(StringSyntaxAttribute.Json)] string json) =>
        builder.WithMetadata(new RequestExample(contentType, JsonNode.Parse(json)!));

    /// <summary>The create endpoints read <c>Idempotency-Key</c> and <c>Prefer</c> themselves: documented here.</summary>
    public static RouteHandlerBuilder WithSubmissionHeaders(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new HeaderParameter("Idempotency-Key", "A key of the caller's (up to 255 characters): a repeat within 24 h replays the first answer; the same key with another body is 409."))
            .WithMetadata(new HeaderParameter("Prefer", "respond-async: answer 202 with the operation at once rather than wait for amoCRM."));

    /// <summary>
    /// Describes the operation's parameters (by name, or by operation and name where one differs), adds the headers
    /// it reads itself, and puts its <see cref="RequestExample"/> on its request body.
    /// </summary>
    internal static Task DocumentAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var route = $"{context.Description.HttpMethod} /{context.Description.RelativePath}";
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (string.IsNullOrEmpty(parameter.Description) && parameter.Name is { } name)
            {
                parameter.Description = ParameterDescriptions.GetValueOrDefault($"{route} {name}") ?? ParameterDescriptions.GetValueOrDefault(name);
            }
        }

        foreach (var header in metadata.OfType<HeaderParameter>())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = header.Name,
                In = ParameterLocation.Header,
                Description = header.Description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }

        var example = metadata.OfType<RequestExample>().FirstOrDefault();
        if (example is null)
        {
            return Task.CompletedTask;
        }

        operation.RequestBody ??= new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { [example.ContentType] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } } },
        };
        foreach (var media in operation.RequestBody.Content?.Values.OfType<OpenApiMediaType>() ?? [])
        {
            media.Example = example.Body.DeepClone();
        }

        return Task.CompletedTask;
    }

    private const string ProblemJson = "application/problem+json";

    private static readonly Dictionary<string, string> ParameterDescriptions = new(StringComparer.Ordinal)
    {
        ["account"] = "The amoCRM subdomain of the account; may be left out when AmoHub serves one account.",
        ["excludeMaintenance"] = "true to leave out the minutes of the account's maintenance windows and the incidents opened in them.",
        ["clientId"] = "The older name of account, as the reference monitor's clients send it.",
        ["subdomain"] = "The account's amoCRM subdomain (acme for acme.amocrm.ru).",
        ["secret"] = "The secret of AmoHub's webhook destination, made when the webhook was subscribed.",
        ["amocrmId"] = "The entity's id in amoCRM.",
        ["id"] = "The id AmoHub gave it.",
        ["page"] = "The page, from 1 (the default).",
        ["pageSize"] = "Items a page: 1-250, 50 when left out.",
        ["GET /api/history pageSize"] = "Items a page: 1-5,000, 500 when left out.",
        ["limit"] = "Items a page: 1-500, 50 when left out.",
        ["before"] = "Where the previous page ended (its Link: rel=\"next\" header has it); the newest when left out.",
        ["hours"] = "How many hours back from now: 1-720, 24 when left out.",
        ["checkType"] = "One check only: GET, POST, WEB, HOOK or DP (any case); every check when left out.",
        ["open"] = "true: only the incidents still open.",
        ["format"] = "csv (the default) or json.",
        ["resolution"] = "raw, minute, hour or day; left out, it follows the range: raw up to 1 h, minute up to 6 h, hour up to 7 days, day beyond.",
        ["status"] = "Only the operations pending, done or failed; all when left out.",
        ["phone"] = "A phone in any usual form (without a country code, AmoHub:Phones:DefaultRegion's); compared in E.164.",
        ["email"] = "An email address in any case.",
        ["name"] = "A name to look for.",
    };

    /// <summary>A request header an endpoint reads itself.</summary>
    private sealed record HeaderParameter(string Name, string Description);

    /// <summary>An example request body.</summary>
    private sealed record RequestExample(string ContentType, JsonNode Body);
}
