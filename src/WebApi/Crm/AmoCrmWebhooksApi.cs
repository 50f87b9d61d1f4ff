using AmoHub.Grains.Interfaces.Accounts;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.ServiceDefaults.Security;
using AmoHub.WebApi.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AmoHub.WebApi.Crm;

/// <summary>Settings under <c>AmoHub:Webhooks</c>.</summary>
public sealed class WebhookSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:Webhooks";

    /// <summary>Where amoCRM reaches AmoHub from the internet; defaults to the host the subscribe request came to.</summary>
    public Uri? PublicUrl { get; set; }
}

/// <summary>
/// <c>POST /webhooks/amocrm/{secret}</c> takes amoCRM's deliveries; <c>/api/amocrm/webhooks</c> subscribes and
/// unsubscribes AmoHub's destination; <c>/api/amocrm/status</c> shows the account's amoCRM side.
/// </summary>
public static partial class AmoCrmWebhooksApi
{
    /// <summary>Maps the webhook receiver and the subscription endpoints.</summary>
    public static RouteGroupBuilder MapAmoCrmWebhooksApi(this IEndpointRouteBuilder endpoints)
    {
        // amoCRM has no API key: the secret path and the account check authenticate a delivery. Deliveries have their
        // own rate limit (amoCRM retries) and body limit (it batches many events into one form).
        var limits = endpoints.ServiceProvider.GetRequiredService<LimitSettings>();
        endpoints.MapPost("/webhooks/amocrm/{secret}", ReceiveAsync)
            .WithTags("amoCRM webhooks")
            .WithSummary("Receive amoCRM's webhook deliveries")
            .WithDescription("amoCRM's form-encoded deliveries to AmoHub's secret destination; answered 200 once the events are stored. No API key: the secret path and the account check authenticate amoCRM.")
            .WithRequestExample("application/x-www-form-urlencoded", """{"account[subdomain]": "acme", "account[id]": "29571234", "contacts[update][0][id]": "54321", "contacts[update][0][name]": "Ирина Петрова", "contacts[update][0][updated_at]": "1765123456"}""")
            .Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("ReceiveAmoCrmWebhook")
            .DisableAntiforgery()
            .AllowAnonymous()
            .RequireRateLimiting(SecurityExtensions.WebhookRateLimit)
            .WithMetadata(new RequestSizeLimitAttribute(limits.WebhookMaxBodySize));

        var group = endpoints.MapGroup("/api/amocrm").WithTags("amoCRM").RequireReadOrWriteByMethod().ProducesApiProblems();
        group.MapPost("/webhooks", SubscribeAsync).WithName("SubscribeAmoCrmWebhooks")
            .WithSummary("Subscribe AmoHub's webhook in amoCRM")
            .WithDescription("Subscribes AmoHub's secret destination under publicUrl (else AmoHub:Webhooks:PublicUrl, else this request's host) to the events AmoHub applies.")
            .WithRequestExample("""{"publicUrl": "https://amohub.example.com/"}""")
            .ProducesProblem(StatusCodes.Status502BadGateway);
        group.MapDelete("/webhooks", UnsubscribeAsync).WithName("UnsubscribeAmoCrmWebhooks")
            .WithSummary("Unsubscribe AmoHub's webhook in amoCRM")
            .ProducesProblem(StatusCodes.Status502BadGateway);
        group.MapGet("/status", StatusAsync).WithName("GetAmoCrmStatus")
            .WithSummary("The CRM sync's state")
            .WithDescription("Contacts and leads in AmoHub's copy, the import, the webhook inbox, pending operations and dead letters of an account.");
        group.MapGet("/duplicates", DuplicatesAsync).WithName("ListAmoCrmDuplicatePhones")
            .WithSummary("Phones several amoCRM contacts share")
            .WithDescription("Each with its contacts oldest first (the first is the one AmoHub answers with), paged.");
        group.MapPost("/reconcile", ReconcileAsync).WithName("ReconcileWithAmoCrm").RequireAuthorization(AccessPolicies.Admin)
            .WithSummary("Compare AmoHub's copy with amoCRM and fix it")
            .WithDescription("Starts a full reconciliation of the account (admin): every live contact and lead read from amoCRM, what AmoHub's copy lacks or holds older put in, what amoCRM no longer lists removed. Answers 202 with where it stands; GET /api/amocrm/status (sync.reconciliation) follows it to its report.");
        return group;
    }

    /// <summary>
    /// Authenticates the delivery by the secret in its URL and the account it names, stores it durably and
    /// answers 200; the events are applied right after. Nothing is stored for a rejected delivery. amoCRM counts every
    /// 4xx towards switching the webhook off, so only a wrong secret (404) or account (403) is refused, and a body
    /// larger than <c>AmoHub:Limits:WebhookMaxBodySize</c> (413, far beyond what amoCRM batches). A delivery AmoHub
    /// cannot read (not a form, an unknown charset, a malformed form or field) is answered 200, logged, and the
    /// account syncs, so what it carried arrives all the same.
    /// </summary>
    private static async Task<Results<Ok, ProblemHttpResult>> ReceiveAsync(
        string secret, HttpRequest request, IClusterClient client, TimeProvider time, ILoggerFactory loggers)
    {
        var subdomain = await client.GetGrain<IAccountRegistryGrain>(IAccountRegistryGrain.Key).FindWebhookAccountAsync(WebhookSecrets.Hash(secret));
        if (subdomain is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown webhook destination");
        }

        var account = client.GetGrain<IAccountGrain>(GrainKeys.Account(subdomain));
        var logger = loggers.CreateLogger(typeof(AmoCrmWebhooksApi));
        IFormCollection? form = null;
        if (request.HasFormContentType && CharsetGuard.IsReadable(request.ContentType))
        {
            try
            {
                form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            }
            catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Delivery too large",
                    detail: "The delivery is larger than AmoHub:Limits:WebhookMaxBodySize.");
            }
            catch (Exception exception) when (exception is InvalidDataException or InvalidOperationException or BadHttpRequestException)
            {
                form = null;
            }
        }

        if (form is null)
        {
            LogUnreadable(logger, subdomain, request.ContentType is { } type ? type[..Math.Min(type.Length, 80)] : "none");
            await account.CatchUpAsync();
            return TypedResults.Ok();
        }

        var (delivery, errors) = AmoCrmWebhookForm.Parse(form, time.GetUtcNow());
        if (delivery is null)
        {
            LogIgnored(logger, subdomain, errors.Count);
            await account.CatchUpAsync();
            return TypedResults.Ok();
        }

        if (!await account.OwnsDeliveryAsync(delivery.AccountSubdomain, delivery.AccountId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Wrong account",
                detail: "The delivery names another amoCRM account than the one this destination belongs to.");
        }

        if (delivery.Events.Length > 0)
        {
            await client.GetGrain<IWebhookInboxGrain>(GrainKeys.WebhookInbox(subdomain)).AcceptAsync(delivery);
        }

        return TypedResults.Ok();
    }

    private static async Task<Results<Ok<WebhookSubscription>, ValidationProblem, ProblemHttpResult>> SubscribeAsync(
        SubscribeWebhooksRequest? body, RequestAccount account, HttpRequest request, IClusterClient client, IOptions<WebhookSettings> settings)
    {
        var publicUrl = body?.PublicUrl ?? settings.Value.PublicUrl ?? new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/");
        if (!publicUrl.IsAbsoluteUri || (publicUrl.Scheme != Uri.UriSchemeHttps && publicUrl.Scheme != Uri.UriSchemeHttp))
        {
            return Problems.Invalid("publicUrl", "must be an absolute http(s) URL where amoCRM can reach AmoHub.");
        }

        var baseUrl = publicUrl.AbsoluteUri.EndsWith('/') ? publicUrl : new Uri(publicUrl.AbsoluteUri + "/");
        return TypedResults.Ok(await client.GetGrain<IAccountGrain>(GrainKeys.Account(account.Subdomain)).SubscribeWebhooksAsync(baseUrl));
    }

    private static async Task<Results<Ok<WebhookSubscription>, ProblemHttpResult>> UnsubscribeAsync(
        RequestAccount account, IClusterClient client)
    {
        return TypedResults.Ok(await client.GetGrain<IAccountGrain>(GrainKeys.Account(account.Subdomain)).UnsubscribeWebhooksAsync());
    }

    /// <summary>
    /// Phones several contacts hold in amoCRM, with their contacts oldest first (the first is the one AmoHub answers
    /// with), paged like the contacts list.
    /// </summary>
    private static async Task<Results<Ok<PageResponse<DuplicatePhone>>, ValidationProblem, ProblemHttpResult>> DuplicatesAsync(
        RequestAccount account, int? page, int? pageSize, IClusterClient client)
    {
        var errors = new Dictionary<string, string[]>();
        var (pageNumber, size) = CrmValidation.Paging(page, pageSize, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var found = await client.GetGrain<ICrmQueryGrain>(0).ListDuplicatePhonesAsync(account.Subdomain, pageNumber, size);
        return TypedResults.Ok(new PageResponse<DuplicatePhone>(found.Items, found.PageNumber, found.PageSize, found.Total));
    }

    /// <summary>
    /// Starts a full comparison of the account's copy with amoCRM (after a restore, or when in doubt), unless one runs:
    /// 202 with where it stands; <c>GET /api/amocrm/status</c> (<c>sync.reconciliation</c>) follows it to its report.
    /// </summary>
    private static async Task<Accepted<Reconciliation>> ReconcileAsync(RequestAccount account, IClusterClient client) =>
        TypedResults.Accepted($"/api/amocrm/status?account={account.Subdomain}", await client.GetGrain<IAccountGrain>(GrainKeys.Account(account.Subdomain)).ReconcileAsync());

    private static async Task<Results<Ok<CrmSummary>, ProblemHttpResult>> StatusAsync(
        RequestAccount account, IClusterClient client)
    {
        return TypedResults.Ok(await client.GetGrain<ICrmQueryGrain>(0).GetSummaryAsync(account.Subdomain));
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning,
        Message = "Account {Account}: a webhook delivery with {Count} fields AmoHub cannot read was ignored; a sync reads what it carried")]
    private static partial void LogIgnored(ILogger logger, string account, int count);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning,
        Message = "Account {Account}: a webhook delivery of type {ContentType} that is not a readable form was ignored; a sync reads what it carried")]
    private static partial void LogUnreadable(ILogger logger, string account, string contentType);
}
