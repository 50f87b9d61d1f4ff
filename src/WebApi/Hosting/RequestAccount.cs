using System.Reflection;
using AmoHub.Grains.Interfaces.Accounts;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AmoHub.WebApi.Hosting;

/// <summary>
/// The account a request is about, resolved once before its handler runs: the route's <c>{account}</c>, else
/// <c>?account=</c>, else its older name <c>?clientId=</c>; it may be left out when the deployment serves one account.
/// A handler that takes one runs only when it resolved: an endpoint with this parameter answers the resolver's
/// problem itself (400 naming <c>account</c>, or 404) before the handler is called.
/// </summary>
public sealed class RequestAccount : IEndpointParameterMetadataProvider
{
    private readonly AccountDefinition? _definition;

    private RequestAccount(AccountDefinition? definition, IResult? problem)
    {
        _definition = definition;
        Problem = problem;
    }

    /// <summary>The resolved account.</summary>
    public AccountDefinition Definition =>
        _definition ?? throw new InvalidOperationException("The account did not resolve; the endpoint filter answers such requests.");

    /// <summary>The resolved account's subdomain, the key of its grains.</summary>
    public string Subdomain => Definition.Subdomain;

    /// <summary>Why the request names no usable account, when it does not.</summary>
    private IResult? Problem { get; }

    /// <summary>Reads the account's name from the request and resolves it; called by ASP.NET Core's binding.</summary>
    public static async ValueTask<RequestAccount> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var name = request.RouteValues.TryGetValue("account", out var route) ? route as string
            : request.Query.TryGetValue("account", out var account) ? account.ToString()
            : request.Query.TryGetValue("clientId", out var clientId) ? clientId.ToString()
            : null;
        var resolution = await context.RequestServices.GetRequiredService<AccountResolver>().ResolveAsync(name);
        return new RequestAccount(resolution.Account, resolution.Problem);
    }

    /// <summary>Gives every endpoint taking a <see cref="RequestAccount"/> the filter that answers an unresolved one.</summary>
    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new AccountParameter());
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails), ["application/problem+json"]));
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status404NotFound, typeof(ProblemDetails), ["application/problem+json"]));
        builder.FilterFactories.Add((_, next) => invocation =>
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument is RequestAccount { Problem: { } problem })
                {
                    return ValueTask.FromResult<object?>(problem);
                }
            }

            return next(invocation);
        });
    }

    /// <summary>Documents <c>?account=</c> on the endpoints whose route does not name the account.</summary>
    internal static Task DocumentAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.Description;
        if (endpoint.ActionDescriptor.EndpointMetadata.OfType<AccountParameter>().Any()
            && !endpoint.ParameterDescriptions.Any(p => p.Name == "account"))
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "account",
                In = ParameterLocation.Query,
                Description = "The amoCRM subdomain of the account; may be left out when AmoHub serves one account.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }

        return Task.CompletedTask;
    }

    /// <summary>Marks an endpoint that takes a <see cref="RequestAccount"/>.</summary>
    private sealed class AccountParameter;
}
