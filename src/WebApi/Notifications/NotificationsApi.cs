using AmoHub.Grains.Interfaces.Accounts;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.ServiceDefaults.Security;
using AmoHub.WebApi.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AmoHub.WebApi.Notifications;

/// <summary>
/// <c>/api/accounts/{account}/notifications</c>: an account's alert channels (read masked, replaced whole), the
/// notifier's status, a test message on every channel, and the weekly digest on demand.
/// </summary>
public static class NotificationsApi
{
    /// <summary>Maps the notification endpoints.</summary>
    public static RouteGroupBuilder MapNotificationsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/accounts/{account}/notifications").WithTags("Notifications").RequireReadOrWriteByMethod().ProducesApiProblems();
        group.MapGet("/", GetAsync).WithName("GetNotificationSettings")
            .WithSummary("An account's alert channels")
            .WithDescription("Mattermost, email and webhook settings; webhook URLs come back masked (https://host/***), and writing a masked URL back keeps the stored one.");
        group.MapPut("/", PutAsync).WithName("PutNotificationSettings")
            .WithSummary("Set an account's alert channels")
            .WithRequestExample("""{"language": "ru", "mattermost": {"webhookUrl": "https://mattermost.example.com/hooks/<id>", "channel": "amocrm-alerts", "enabled": true}, "email": {"recipients": ["ops@example.com"]}, "webhook": {"url": "https://ops.example.com/amohub"}}""");
        group.MapGet("/status", GetStatusAsync).WithName("GetNotificationStatus")
            .WithSummary("Alert delivery state")
            .WithDescription("How the account's alerts are being delivered, per channel.");
        group.MapPost("/test", TestAsync).WithName("TestNotifications")
            .WithSummary("Send a test alert")
            .WithDescription("Sends a test message on every configured channel and says how each went; 409 when none is configured.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/digest", DigestAsync).WithName("SendNotificationDigest")
            .WithSummary("Send the digest of the last 7 days now")
            .WithDescription("Computes the account's digest of the last 7 days (maintenance left out) and queues it on every configured channel, whatever its schedule; answers the figures and the channels. 409 when no channel is configured.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<Results<Ok<NotificationSettingsBody>, ProblemHttpResult>> GetAsync(
        RequestAccount account, IClusterClient client)
    {
        return TypedResults.Ok(NotificationSettingsBody.From(await Notifier(client, account.Definition).GetSettingsAsync()));
    }

    /// <summary>Replaces the account's settings; a bad field answers 400 naming it, and nothing is stored.</summary>
    private static async Task<Results<Ok<NotificationSettingsBody>, ValidationProblem, ProblemHttpResult>> PutAsync(
        RequestAccount account, NotificationSettingsBody? body, IClusterClient client)
    {
        if (body is null)
        {
            return Problems.Invalid("body", "A JSON object {\"language\", \"mattermost\", \"email\", \"webhook\", \"telegram\"} is required.");
        }

        var update = await Notifier(client, account.Definition).ConfigureAsync(body.ToSettings());
        return update.Settings is { } stored
            ? TypedResults.Ok(NotificationSettingsBody.From(stored))
            : Problems.Invalid(update.Errors);
    }

    private static async Task<Results<Ok<NotificationStatusResponse>, ProblemHttpResult>> GetStatusAsync(
        RequestAccount account, IClusterClient client)
    {
        return TypedResults.Ok(NotificationStatusResponse.From(await Notifier(client, account.Definition).GetStatusAsync()));
    }

    /// <summary>Sends a test message on every configured channel and says how each went; 409 when none is configured.</summary>
    private static async Task<Results<Ok<NotificationTestResponse>, ProblemHttpResult>> TestAsync(
        RequestAccount account, IClusterClient client)
    {
        var results = await Notifier(client, account.Definition).SendTestAsync();
        if (results.IsEmpty)
        {
            return NoChannel(account, "to test");
        }

        return TypedResults.Ok(new NotificationTestResponse(
            results.Select(result => new ChannelTestResponse(result.Channel.ToWireName(), result.Delivered, result.Error)).ToList()));
    }

    /// <summary>Queues the digest of the last 7 days on every configured channel and answers it; 409 when none is configured.</summary>
    private static async Task<Results<Ok<DigestResponse>, ProblemHttpResult>> DigestAsync(RequestAccount account, IClusterClient client)
    {
        var sent = await client.GetGrain<IDigestGrain>(GrainKeys.Digest(account.Definition.Subdomain)).SendNowAsync();
        return sent.Channels.IsEmpty
            ? NoChannel(account, "to send the digest on")
            : TypedResults.Ok(DigestResponse.Of(sent));
    }

    private static ProblemHttpResult NoChannel(RequestAccount account, string purpose) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "No notification channel is configured",
        detail: $"Account '{account.Subdomain}' has no Mattermost webhook, email recipients, webhook or Telegram chat {purpose}.");

    private static INotifierGrain Notifier(IClusterClient client, AccountDefinition account) =>
        client.GetGrain<INotifierGrain>(GrainKeys.Notifier(account.Subdomain));
}
