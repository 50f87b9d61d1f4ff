using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AmoHub.Sandbox.Tests.Infrastructure;

/// <summary>One webhook POST the receiver got.</summary>
public sealed record ReceivedWebhook(string Path, string? ContentType, IReadOnlyDictionary<string, string> Form);

/// <summary>
/// A subscriber on a free loopback port that records every POST. <c>/ok/…</c> answers 200, <c>/fail/…</c> 500 and
/// <c>/slow/…</c> takes longer than the sandbox waits.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private WebApplication? _app;

    public IReadOnlyCollection<ReceivedWebhook> Received => _received;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/{kind}/{**rest}", receiver.ReceiveAsync);
        await app.StartAsync();
        receiver._app = app;
        return receiver;
    }

    /// <summary>A destination on this receiver; <paramref name="kind"/> is <c>ok</c>, <c>fail</c> or <c>slow</c>.</summary>
    public string Destination(string kind) => $"{_app!.Urls.First()}/{kind}/{Guid.NewGuid():N}";

    /// <summary>Subscribes a new destination of <paramref name="kind"/> to <paramref name="settings"/> and returns it.</summary>
    public async Task<string> SubscribeAsync(HttpClient client, string kind, params string[] settings)
    {
        var destination = Destination(kind);
        await client.SubscribeWebhookAsync(destination, settings);
        return destination;
    }

    /// <summary>Waits for the <paramref name="count"/> deliveries to <paramref name="destination"/>.</summary>
    public Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(string destination, int count = 1) =>
        Eventually.MatchAsync<IReadOnlyList<ReceivedWebhook>>(
            () => _received.Where(hook => destination.EndsWith(hook.Path, StringComparison.Ordinal)).ToList(),
            hooks => hooks.Count >= count,
            $"{count} deliveries to {destination}");

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task<IResult> ReceiveAsync(HttpContext context, string kind)
    {
        var form = await context.Request.ReadFormAsync();
        _received.Enqueue(new ReceivedWebhook(
            context.Request.Path.Value!, context.Request.ContentType, form.ToDictionary(field => field.Key, field => field.Value.ToString())));
        switch (kind)
        {
            case "fail":
                return Results.StatusCode(StatusCodes.Status500InternalServerError);
            case "slow":
                await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
                return Results.Ok();
            default:
                return Results.Ok();
        }
    }
}
