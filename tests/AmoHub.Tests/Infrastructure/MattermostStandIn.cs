using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AmoHub.Tests.Infrastructure;

/// <summary>How the stand-in answers the posts to one webhook.</summary>
public enum WebhookBehaviour
{
    /// <summary>200, like Mattermost.</summary>
    Accept,

    /// <summary>500.</summary>
    Fail,

    /// <summary>Never answers: the request hangs until the sender gives up.</summary>
    Hang,
}

/// <summary>One POST the stand-in received: the webhook's token, the JSON body, the delivery id header, what it answered.</summary>
public sealed record ReceivedPost(string Token, JsonElement Body, string? DeliveryId, DateTimeOffset At, WebhookBehaviour Answer);

/// <summary>
/// A Mattermost incoming-webhook server on a free loopback port (<c>/hooks/{token}</c>), recording every JSON POST;
/// it serves as the generic webhook receiver too. Each webhook can be told to accept, fail with 500 or hang.
/// </summary>
public sealed class MattermostStandIn : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedPost> _received = new();
    private readonly ConcurrentDictionary<string, WebhookBehaviour> _behaviours = new();
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;

    /// <summary>Starts the stand-in.</summary>
    public static async Task<MattermostStandIn> StartAsync()
    {
        var standIn = new MattermostStandIn();
        standIn._app = await LoopbackServer.StartAsync(app => app.MapPost("/hooks/{token}", standIn.ReceiveAsync));
        return standIn;
    }

    /// <summary>The URL of the webhook with <paramref name="token"/>.</summary>
    public Uri Url(string token) => new($"{_app!.Urls.First()}/hooks/{token}");

    /// <summary>Sets how the webhook with <paramref name="token"/> answers from now on.</summary>
    public void Behave(string token, WebhookBehaviour behaviour) => _behaviours[token] = behaviour;

    /// <summary>Every post to the webhook so far, accepted or not, in arrival order.</summary>
    public IReadOnlyList<ReceivedPost> Received(string token) => _received.Where(post => post.Token == token).ToList();

    /// <summary>The posts to the webhook that were accepted.</summary>
    public IReadOnlyList<ReceivedPost> Accepted(string token) =>
        _received.Where(post => post.Token == token && post.Answer == WebhookBehaviour.Accept).ToList();

    /// <summary>Waits until the webhook has accepted <paramref name="count"/> posts.</summary>
    public Task<IReadOnlyList<ReceivedPost>> WaitForAsync(string token, int count, TimeSpan? timeout = null) =>
        Eventually.MatchAsync(
            () => Task.FromResult(Accepted(token)),
            posts => posts.Count >= count,
            timeout ?? TimeSpan.FromSeconds(30),
            $"{count} accepted posts to webhook {token}");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private async Task<IResult> ReceiveAsync(HttpContext context, string token)
    {
        var body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body);
        var behaviour = _behaviours.GetValueOrDefault(token, WebhookBehaviour.Accept);
        _received.Enqueue(new ReceivedPost(token, body, context.Request.Headers["X-AmoHub-Delivery"].FirstOrDefault(), DateTimeOffset.UtcNow, behaviour));
        switch (behaviour)
        {
            case WebhookBehaviour.Fail:
                return Results.StatusCode(StatusCodes.Status500InternalServerError);
            case WebhookBehaviour.Hang:
                using (var hang = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token))
                {
                    try
                    {
                        await Task.Delay(Timeout.Infinite, hang.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        // The sender gave up, or the stand-in is stopping.
                    }
                }

                return Results.StatusCode(StatusCodes.Status504GatewayTimeout);
            default:
                return Results.Text("ok");
        }
    }
}
