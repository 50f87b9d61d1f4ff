using AmoHub.Grains.Interfaces.Accounts;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.ServiceDefaults.Security;
using AmoHub.WebApi.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AmoHub.WebApi.Accounts;

/// <summary>
/// Body of <c>POST /api/accounts</c> and <c>PATCH /api/accounts/{subdomain}</c>. Credentials are a long-lived
/// <see cref="AccessToken"/>, or an OAuth integration (<see cref="ClientId"/>, <see cref="ClientSecret"/>,
/// <see cref="RedirectUri"/> and a <see cref="RefreshToken"/> or <see cref="AuthorizationCode"/>). On PATCH, omitted
/// fields keep their values and credentials, when given, replace the old ones as a whole.
/// <see cref="DefaultPipelineId"/> is the amoCRM pipeline a new lead goes to when it names none.
/// </summary>
public sealed record AccountRequest(
    string? Subdomain,
    string? BaseUrl,
    long? TestLeadId,
    long? TestContactId,
    string? AccessToken,
    string? ClientId,
    string? ClientSecret,
    string? RedirectUri,
    string? RefreshToken,
    string? AuthorizationCode,
    long? DefaultPipelineId = null);

/// <summary>An account as the API shows it: never a secret.</summary>
public sealed record AccountResponse(
    string Subdomain,
    string BaseUrl,
    bool Sandbox,
    long? TestLeadId,
    long? TestContactId,
    string Source,
    long? DefaultPipelineId)
{
    /// <summary>From the registry's definition.</summary>
    public static AccountResponse From(AccountDefinition account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new(account.Subdomain, account.BaseUrl.AbsoluteUri, account.IsSandbox, account.TestLeadId, account.TestContactId,
            account.FromConfiguration ? "configuration" : "api", account.DefaultPipelineId);
    }
}

/// <summary>
/// <c>/api/accounts</c>: list, read, add, change and remove amoCRM accounts at run time. Adding one starts its five
/// probes next to the others'; its credentials go to the account grain's state (stored protected), never to a
/// settings file, and are never returned. Accounts from configuration are re-applied at every start, so they are
/// changed there, not here.
/// </summary>
public static class AccountsApi
{
    private const int MaxSecretLength = 4096;

    /// <summary>Maps the accounts endpoints.</summary>
    public static RouteGroupBuilder MapAccountsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/accounts").WithTags("Accounts").RequireReadOrWriteByMethod().ProducesApiProblems();
        group.MapGet("/", ListAsync).WithName("ListAccounts")
            .WithSummary("List the accounts")
            .WithDescription("Every amoCRM account AmoHub serves, from configuration and added over the API; never a secret.");
        group.MapGet("/{subdomain}", GetAsync).WithName("GetAccount")
            .WithSummary("Get an account")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/", CreateAsync).WithName("CreateAccount")
            .WithSummary("Add an account")
            .WithDescription("Adds an amoCRM account with a long-lived token or OAuth settings and starts its probes; 201 when added, 200 when the same account exists already. The baseUrl must be on amoCRM's or Kommo's domains over https.")
            .WithRequestExample("""{"subdomain": "acme", "baseUrl": "https://acme.amocrm.ru/", "accessToken": "<long-lived token>", "defaultPipelineId": 7001}""")
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPatch("/{subdomain}", UpdateAsync).WithName("UpdateAccount")
            .WithSummary("Change an account")
            .WithDescription("Changes the fields given. Moving an account to another baseUrl needs an admin key and the credentials again (403 otherwise); an account from configuration cannot be changed (409).")
            .WithRequestExample("""{"testLeadId": 1234567, "testContactId": 7654321}""")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/{subdomain}", DeleteAsync).WithName("DeleteAccount")
            .WithSummary("Remove an account")
            .WithDescription("Stops the account's probes and forgets it; an account from configuration cannot be removed (409).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static IAccountRegistryGrain Registry(IClusterClient client) => client.GetGrain<IAccountRegistryGrain>(IAccountRegistryGrain.Key);

    private static async Task<Ok<List<AccountResponse>>> ListAsync(IClusterClient client) =>
        TypedResults.Ok((await Registry(client).ListAsync()).Select(AccountResponse.From).ToList());

    private static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> GetAsync(string subdomain, IClusterClient client) =>
        await Registry(client).FindAsync(subdomain) is { } account ? TypedResults.Ok(AccountResponse.From(account)) : UnknownAccount(subdomain);

    private static async Task<Results<Created<AccountResponse>, Ok<AccountResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        AccountRequest? body, IClusterClient client, AmoCrmHosts hosts)
    {
        if (body is null)
        {
            return Problems.Invalid("body", "A JSON object with at least subdomain and credentials is required.");
        }

        var errors = new Dictionary<string, string[]>();
        string? subdomain = null;
        if (string.IsNullOrWhiteSpace(body.Subdomain))
        {
            errors["subdomain"] = ["is required: the account's amoCRM subdomain."];
        }
        else if (!AccountName.TryNormalize(body.Subdomain, out subdomain))
        {
            errors["subdomain"] = ["must be an amoCRM subdomain: letters, digits and hyphens, at most 63."];
        }

        var baseUrl = await BaseUrlAsync(body.BaseUrl, errors, hosts, client);
        var credentials = Credentials(body, errors, required: true);
        AmoCrmIds(body, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var account = new AccountDefinition(subdomain!, baseUrl ?? new Uri($"https://{subdomain}.amocrm.ru/"), IsSandbox: false, body.TestLeadId, body.TestContactId,
            DefaultPipelineId: body.DefaultPipelineId);
        var known = await Registry(client).FindAsync(subdomain!);
        if (known is not null && known != account)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Account exists",
                detail: $"Account '{subdomain}' already exists: change it with PATCH /api/accounts/{subdomain}.");
        }

        // The same add again (a client retrying after a timeout or a crash) completes it: credentials, registry
        // entry and every probe, each step idempotent.
        await client.GetGrain<IAccountGrain>(GrainKeys.Account(subdomain!)).ConfigureAsync(account, credentials);
        await Registry(client).EnsureAsync(account);
        return known is null
            ? TypedResults.Created($"/api/accounts/{subdomain}", AccountResponse.From(account))
            : TypedResults.Ok(AccountResponse.From(account));
    }

    /// <summary>
    /// Changes an account. Moving it to another amoCRM address sends its credentials there, so that takes the admin
    /// role and the credentials again (the stored ones never follow a new address).
    /// </summary>
    private static async Task<Results<Ok<AccountResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string subdomain, AccountRequest? body, IClusterClient client, AmoCrmHosts hosts, HttpContext http, IAuthorizationService authorization)
    {
        if (body is null)
        {
            return Problems.Invalid("body", "A JSON object with the fields to change is required.");
        }

        var errors = new Dictionary<string, string[]>();
        if (body.Subdomain is not null && (!AccountName.TryNormalize(body.Subdomain, out var renamed) || renamed != AccountName.Normalize(subdomain)))
        {
            errors["subdomain"] = ["cannot be changed: remove the account and add it under the new subdomain."];
        }

        var baseUrl = await BaseUrlAsync(body.BaseUrl, errors, hosts, client);
        var credentials = Credentials(body, errors, required: false);
        AmoCrmIds(body, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        if (await Registry(client).FindAsync(subdomain) is not { } known)
        {
            return UnknownAccount(subdomain);
        }

        if (known.FromConfiguration)
        {
            return FromConfiguration(known.Subdomain);
        }

        if (baseUrl is not null && baseUrl != known.BaseUrl)
        {
            if (!(await authorization.AuthorizeAsync(http.User, http, AccessPolicies.Admin)).Succeeded)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Admin role needed",
                    detail: "Moving an account to another amoCRM address sends its credentials there: that takes an admin key.");
            }

            if (credentials is null)
            {
                return Problems.Invalid("accessToken", "is required with a new baseUrl, or OAuth settings are: the stored credentials never follow a new address.");
            }
        }

        var account = known with
        {
            BaseUrl = baseUrl ?? known.BaseUrl,
            TestLeadId = body.TestLeadId ?? known.TestLeadId,
            TestContactId = body.TestContactId ?? known.TestContactId,
            DefaultPipelineId = body.DefaultPipelineId ?? known.DefaultPipelineId,
        };
        await client.GetGrain<IAccountGrain>(GrainKeys.Account(account.Subdomain)).ConfigureAsync(account, credentials);
        await Registry(client).EnsureAsync(account);
        return TypedResults.Ok(AccountResponse.From(account));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string subdomain, IClusterClient client)
    {
        if (await Registry(client).FindAsync(subdomain) is not { } known)
        {
            return UnknownAccount(subdomain);
        }

        if (known.FromConfiguration)
        {
            return FromConfiguration(known.Subdomain);
        }

        await Registry(client).RemoveAsync(known.Subdomain);
        return TypedResults.NoContent();
    }

    private static async Task<Uri?> BaseUrlAsync(string? value, Dictionary<string, string[]> errors, AmoCrmHosts hosts, IClusterClient client)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > AmoCrmHosts.MaxBaseUrlLength)
        {
            errors["baseUrl"] = [$"must be at most {AmoCrmHosts.MaxBaseUrlLength} characters."];
            return null;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment) || !string.IsNullOrEmpty(url.UserInfo))
        {
            errors["baseUrl"] = ["must be an absolute http(s) URL without query or credentials, e.g. https://acme.amocrm.ru/."];
            return null;
        }

        url = url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
        if (hosts.Refuse(url) is { } why && !await IsSandboxAsync(url, client))
        {
            errors["baseUrl"] = [why];
            return null;
        }

        return url;
    }

    /// <summary>Whether the address is the built-in sandbox's, which runs in this deployment.</summary>
    private static async Task<bool> IsSandboxAsync(Uri url, IClusterClient client) =>
        (await Registry(client).ListAsync()).Any(account => account.IsSandbox
            && string.Equals(account.BaseUrl.GetLeftPart(UriPartial.Authority), url.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase));

    /// <summary>The amoCRM ids of the request (test lead, test contact, default pipeline): positive numbers.</summary>
    private static void AmoCrmIds(AccountRequest body, Dictionary<string, string[]> errors)
    {
        foreach (var (id, field) in new[] { (body.TestLeadId, "testLeadId"), (body.TestContactId, "testContactId"), (body.DefaultPipelineId, "defaultPipelineId") })
        {
            if (id is <= 0)
            {
                errors[field] = ["must be the id of an existing amoCRM entity (a positive number)."];
            }
        }
    }

    private static AccountCredentials? Credentials(AccountRequest body, Dictionary<string, string[]> errors, bool required)
    {
        var oauth = body.ClientId is not null || body.ClientSecret is not null || body.RedirectUri is not null
            || body.RefreshToken is not null || body.AuthorizationCode is not null;
        if (body.AccessToken is null && !oauth)
        {
            if (required)
            {
                errors["accessToken"] = ["is required, unless OAuth settings (clientId, clientSecret, redirectUri, refreshToken or authorizationCode) are given."];
            }

            return null;
        }

        if (body.AccessToken is not null && oauth)
        {
            errors["accessToken"] = ["give either a long-lived accessToken or OAuth settings, not both."];
            return null;
        }

        var before = errors.Count;
        if (body.AccessToken is not null)
        {
            return Secret(body.AccessToken, "accessToken", errors) is { } token
                ? new AccountCredentials(token, null, null, null, null, null)
                : null;
        }

        var clientId = Secret(body.ClientId, "clientId", errors);
        var clientSecret = Secret(body.ClientSecret, "clientSecret", errors);
        Uri? redirect = null;
        if (!Uri.TryCreate(body.RedirectUri?.Trim(), UriKind.Absolute, out redirect) || (redirect.Scheme != Uri.UriSchemeHttps && redirect.Scheme != Uri.UriSchemeHttp))
        {
            errors["redirectUri"] = ["is required with OAuth: the absolute http(s) redirect URI registered for the integration."];
        }

        if (body.RefreshToken is null && body.AuthorizationCode is null)
        {
            errors["refreshToken"] = ["is required with OAuth, unless an authorizationCode is given."];
        }

        var refresh = body.RefreshToken is null ? null : Secret(body.RefreshToken, "refreshToken", errors);
        var code = body.AuthorizationCode is null ? null : Secret(body.AuthorizationCode, "authorizationCode", errors);
        return errors.Count > before ? null : new AccountCredentials(null, clientId, clientSecret, redirect, refresh, code);
    }

    private static string? Secret(string? value, string field, Dictionary<string, string[]> errors)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > MaxSecretLength || text.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            errors[field] = [$"is required with these settings: 1 to {MaxSecretLength} characters without spaces or control characters."];
            return null;
        }

        return text;
    }

    private static ProblemHttpResult UnknownAccount(string subdomain) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown account",
            detail: AccountName.TryNormalize(subdomain, out var name) ? $"No account '{name}' exists." : "No such account exists.");

    private static ProblemHttpResult FromConfiguration(string subdomain) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Account from configuration",
            detail: $"Account '{subdomain}' comes from configuration (AmoHub:Accounts or AMOCRM_* variables) and is re-applied at every start: change it there.");
}
