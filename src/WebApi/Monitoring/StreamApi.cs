using System.Text.Json;
using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.ServiceDefaults.Security;
using AmoHub.WebApi.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace AmoHub.WebApi.Monitoring;

/// <summary>What a <c>status_update</c> event carries about the check.</summary>
public sealed record StreamCheckData(
    string Status, int ResponseTime, DateTimeOffset LastCheck, string? ErrorMessage, int? HttpStatus, string? Reason, DateTimeOffset? Since);

/// <summary>A <c>status_update</c> event, in the reference monitor's shape.</summary>
public sealed record StreamStatusUpdate(string Type, string CheckType, string Account, StreamCheckData Data, DateTimeOffset Timestamp);

/// <summary>The <c>connected</c> event.</summary>
public sealed record StreamConnected(string Type, string? Account, DateTimeOffset Timestamp);

/// <summary>
/// <c>GET /api/stream</c>: server-sent events. First a <c>connected</c> message, then a <c>status_update</c> message
/// within a second of every check (of one account with <c>?account=</c>, of all without), and a keep-alive comment
/// every <see cref="KeepAlivePeriod"/>. Messages are unnamed with a <c>type</c> field, as the reference monitor's
/// clients read them. The response is never compressed or buffered, and says so to proxies, so events arrive
/// promptly through response compression, nginx and the like. A key or address holds a limited number of streams at
/// once (<see cref="StreamSlots"/>); past that it gets 429.
/// </summary>
public static class StreamApi
{
    /// <summary>How often an idle stream sends a comment so proxies keep it open.</summary>
    public static readonly TimeSpan KeepAlivePeriod = TimeSpan.FromSeconds(15);

    /// <summary>Maps the stream endpoint.</summary>
    public static IEndpointConventionBuilder MapStreamApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/stream", StreamAsync).WithTags("Monitoring").WithName("Stream").RequireAuthorization(AccessPolicies.Read)
            .WithSummary("Live status updates (server-sent events)")
            .WithDescription("A text/event-stream of status_update events, one per probe result, with a keep-alive comment every 15 s; a key or address holding too many streams gets 429.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesApiProblems();

    private static async Task<IResult> StreamAsync(
        string? account, string? clientId, AccountResolver accounts, LiveFeed feed, StreamSlots slots, IOptions<JsonOptions> json, HttpContext context)
    {
        string? subdomain = null;
        if (account is not null || clientId is not null)
        {
            var resolution = await accounts.ResolveAsync(account ?? clientId);
            if (resolution.Account is not { } resolved)
            {
                return resolution.Problem!;
            }

            subdomain = resolved.Subdomain;
        }

        var key = context.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : null;
        using var slot = slots.TryTake(key, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        if (slot is null)
        {
            context.Response.Headers.RetryAfter = "10";
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many streams",
                detail: "This API key or address holds as many live streams open as it may (AmoHub:Limits:MaxStreamsPerKey, MaxStreamsPerAddress): close one first.");
        }

        var cancellation = context.RequestAborted;
        var response = context.Response;
        context.Features.Get<IHttpsCompressionFeature>()?.Mode = HttpsCompressionMode.DoNotCompress;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";

        using var lease = feed.Subscribe(subdomain);
        var options = json.Value.SerializerOptions;
        await WriteAsync(response, JsonSerializer.Serialize(new StreamConnected("connected", subdomain, DateTimeOffset.UtcNow), options), cancellation);
        try
        {
            while (!cancellation.IsCancellationRequested)
            {
                using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                keepAlive.CancelAfter(KeepAlivePeriod);
                bool ready;
                try
                {
                    ready = await lease.Updates.WaitToReadAsync(keepAlive.Token);
                }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    await response.WriteAsync(": keep-alive\n\n", cancellation);
                    await response.Body.FlushAsync(cancellation);
                    continue;
                }

                if (!ready)
                {
                    break;
                }

                while (lease.Updates.TryRead(out var update))
                {
                    var message = new StreamStatusUpdate(
                        "status_update",
                        update.CheckType.ToWireName(),
                        update.Account,
                        new StreamCheckData(update.Status.ToWireName(), update.ResponseTimeMs, update.LastCheck, update.ErrorMessage, update.HttpStatus,
                            update.ErrorCode, update.Since),
                        DateTimeOffset.UtcNow);
                    await response.WriteAsync($"data: {JsonSerializer.Serialize(message, options)}\n\n", cancellation);
                }

                await response.Body.FlushAsync(cancellation);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The client went away.
        }

        return Results.Empty;
    }

    private static async Task WriteAsync(HttpResponse response, string data, CancellationToken cancellationToken)
    {
        await response.WriteAsync($"data: {data}\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
