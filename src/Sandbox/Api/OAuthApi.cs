using AmoHub.Sandbox.Accounts;
using AmoHub.Sandbox.Auth;
using AmoHub.Sandbox.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace AmoHub.Sandbox.Api;

/// <summary>
/// <c>POST /{sub}/oauth2/access_token</c>: amoCRM's OAuth 2.0 token endpoint, for JSON and form bodies. Not rate
/// limited, and open to unpaid accounts.
/// </summary>
internal static class OAuthApi
{
    public static RouteHandlerBuilder MapOAuthApi(this IEndpointRouteBuilder account) =>
        account.MapPost("oauth2/access_token", ExchangeAsync);

    private static async Task<Results<JsonHttpResult<TokenResponse>, AmoProblem>> ExchangeAsync(SandboxAccount account, HttpRequest request)
    {
        var body = await TokenRequest.ReadAsync(request);
        if (body.Failed)
        {
            return body.Problem;
        }

        var tokens = account.Exchange(body.Value);
        return tokens.Failed ? tokens.Problem : TypedResults.Json(tokens.Value, SandboxJson.Options);
    }
}
