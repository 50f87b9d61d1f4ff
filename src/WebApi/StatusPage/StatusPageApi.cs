using System.Text;
using AmoHub.Grains.Interfaces.Accounts;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AmoHub.WebApi.StatusPage;

/// <summary>
/// <c>GET /status</c> (every account) and <c>GET /status/{account}</c>: the status page for people in sales, HTML
/// written on the server from the grains the dashboard's API reads. Server-side, because it shows words rather than
/// data: no JSON with raw errors has to be opened to whoever may read the page, and it needs no script.
/// Open to anyone when <c>AmoHub:StatusPage:Public</c> is on, else it takes a read key (a browser is offered a
/// login: any user name, the key as the password). <c>?lang=ru|en</c> picks the language.
/// </summary>
public static class StatusPageApi
{
    private const string Html = "text/html";

    /// <summary>Maps the page and its stylesheet.</summary>
    public static RouteGroupBuilder MapStatusPage(this IEndpointRouteBuilder endpoints)
    {
        var settings = endpoints.ServiceProvider.GetRequiredService<StatusPageSettings>();
        endpoints.MapGet("/status/page.css", Stylesheet).WithName("StatusPageStylesheet").ExcludeFromDescription().AllowAnonymous();
        var group = endpoints.MapGroup("/status").WithTags("Status page").ExcludeFromDescription();
        if (!settings.Public)
        {
            group.RequireAuthorization(AccessPolicies.Read).OfferBrowserLogin();
        }

        group.MapGet("/", AllAsync).WithName("StatusPage");
        group.MapGet("/{account}", OneAsync).WithName("AccountStatusPage");
        return group;
    }

    private static async Task<ContentHttpResult> AllAsync(
        string? lang, IClusterClient client, StatusBoard board, StatusPageSettings settings, TimeProvider time, HttpContext context)
    {
        var accounts = await client.GetGrain<IAccountRegistryGrain>(IAccountRegistryGrain.Key).ListAsync();
        return await PageAsync(accounts, singleAccount: false, lang, board, settings, time, context);
    }

    private static async Task<ContentHttpResult> OneAsync(
        string account, string? lang, IClusterClient client, StatusBoard board, StatusPageSettings settings, TimeProvider time, HttpContext context)
    {
        var found = AccountName.TryNormalize(account, out var subdomain)
            ? await client.GetGrain<IAccountRegistryGrain>(IAccountRegistryGrain.Key).FindAsync(subdomain)
            : null;
        return await PageAsync(found is null ? [] : [found], singleAccount: true, lang, board, settings, time, context);
    }

    private static async Task<ContentHttpResult> PageAsync(
        IReadOnlyList<AccountDefinition> accounts, bool singleAccount, string? lang, StatusBoard board, StatusPageSettings settings,
        TimeProvider time, HttpContext context)
    {
        var boards = await board.ReadAsync(accounts, context.RequestAborted);
        var words = StatusPageWords.For(lang is "ru" or "en" ? lang : settings.Language);
        var view = new StatusPageView(words, settings.Zone, time.GetUtcNow(), context.Request.PathBase, boards, singleAccount);
        context.Response.Headers.CacheControl = "no-cache";
        var status = singleAccount && accounts.Count == 0 ? StatusCodes.Status404NotFound : StatusCodes.Status200OK;
        return TypedResults.Content(StatusPageHtml.Render(view), Html, Encoding.UTF8, status);
    }

    private static ContentHttpResult Stylesheet(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Content(StatusPageStyles.Css, "text/css", Encoding.UTF8);
    }
}
