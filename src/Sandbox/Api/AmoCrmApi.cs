using AmoHub.Sandbox.Accounts;
using AmoHub.Sandbox.Faults;
using AmoHub.Sandbox.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace AmoHub.Sandbox.Api;

/// <summary>
/// Everything under <c>/{sub}/</c>: the web UI login page, OAuth, and the rate-limited, authenticated
/// <c>api/v4</c>.
/// </summary>
internal static class AmoCrmApi
{
    /// <summary>The web UI's login page; AmoHub checks the web UI's availability with it.</summary>
    public const string LoginPage = """
        <!DOCTYPE html>
        <html lang="ru">
        <head><meta charset="utf-8"><title>amoCRM sandbox — вход</title></head>
        <body>
          <h1>amoCRM sandbox</h1>
          <p>Это страница входа встроенной песочницы amoCRM. AmoHub проверяет по ней доступность веб-интерфейса.</p>
        </body>
        </html>
        """;

    private const string HtmlContentType = "text/html; charset=utf-8";

    public static RouteGroupBuilder MapAmoCrmAccounts(this IEndpointRouteBuilder root)
    {
        root.MapGet("", () => TypedResults.Content(LoginPage, HtmlContentType));

        var account = root.MapGroup($"{{{SubdomainName.RouteParameter}:{SubdomainRouteConstraint.Name}}}");
        account.MapGet("", WebUiAsync);
        account.MapOAuthApi();

        var api = account.MapGroup("api/v4").AddEndpointFilter<ApiGuard>();
        api.MapAccountApi();
        api.MapContactsApi();
        api.MapLeadsApi();
        api.MapWebhooksApi();
        api.Map("{**path}", () => AmoProblem.Status(StatusCodes.Status404NotFound, "There is no such API method."));
        return account;
    }

    private static async Task<Results<ContentHttpResult, EdgePage>> WebUiAsync(
        SandboxAccount account, HttpContext context, IHostApplicationLifetime lifetime) =>
        await FaultGate.ApplyAsync(account.Fault, context, lifetime.ApplicationStopping) is { } fault
            ? fault
            : TypedResults.Content(LoginPage, HtmlContentType);
}
