using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AmoHub.Bench;

/// <summary>
/// A Mattermost incoming webhook in this process, on a loopback port of its own: it answers every post <c>ok</c>, as
/// Mattermost does, and keeps the delivery id AmoHub sends with each (<c>X-AmoHub-Delivery</c>, e.g.
/// <c>incident:42:down/mattermost</c>), so a run can tell a lost alert from one posted twice.
/// </summary>
public sealed class AlertReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _deliveries = new();

    private AlertReceiver(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The webhook's URL.</summary>
    public Uri Url { get; private set; }

    /// <summary>The delivery ids of every post so far, in the order they came, repeats included.</summary>
    public IReadOnlyList<string> Deliveries => [.. _deliveries];

    /// <summary>Starts the receiver on a free loopback port.</summary>
    public static async Task<AlertReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new AlertReceiver(app, new Uri("http://127.0.0.1/"));
        app.MapPost("/hooks/bench", (HttpRequest request) =>
        {
            receiver._deliveries.Enqueue(request.Headers["X-AmoHub-Delivery"].ToString());
            return Results.Text("ok");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/hooks/bench");
        return receiver;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
