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

    /// <summary>Puts an endpoint's <see cref="RequestExample"/> on its request body.</summary>
    internal static Task DocumentAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var example = context.Description.ActionDescriptor.EndpointMetadata.OfType<RequestExample>().FirstOrDefault();
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

    /// <summary>An example request body.</summary>
    private sealed record RequestExample(string ContentType, JsonNode Body);
}
