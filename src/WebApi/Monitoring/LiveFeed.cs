using System.Collections.Concurrent;
using System.Threading.Channels;
using AmoHub.Grains.Interfaces.Monitoring;

namespace AmoHub.WebApi.Monitoring;

/// <summary>
/// This process's subscription to the cluster's live probe feed: one observer per process, renewed every
/// <see cref="RenewPeriod"/> (the feed grain forgets subscriptions that are not renewed, and a renewal also
/// re-subscribes after the feed grain moved to another silo), fanned out to every connected SSE client.
/// A slow client loses its oldest updates rather than slowing the others.
/// </summary>
public sealed partial class LiveFeed(IClusterClient client, ILogger<LiveFeed> logger) : BackgroundService, IStatusObserver
{
    /// <summary>How often the subscription is renewed.</summary>
    public static readonly TimeSpan RenewPeriod = TimeSpan.FromSeconds(30);

    private const int ClientBuffer = 1_000;

    private readonly ConcurrentDictionary<Channel<ProbeUpdate>, string?> _clients = new();

    /// <summary>Starts receiving updates, all or one account's; dispose the lease to stop.</summary>
    public Lease Subscribe(string? account)
    {
        var channel = Channel.CreateBounded<ProbeUpdate>(new BoundedChannelOptions(ClientBuffer)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.DropOldest,
        });
        _clients[channel] = account;
        return new Lease(this, channel);
    }

    /// <inheritdoc />
    public Task OnUpdatesAsync(IReadOnlyList<ProbeUpdate> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        foreach (var (channel, account) in _clients)
        {
            foreach (var update in updates)
            {
                if (account is null || update.Account == account)
                {
                    channel.Writer.TryWrite(update);
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var self = client.CreateObjectReference<IStatusObserver>(this);
        var feed = client.GetGrain<IStatusFeedGrain>(IStatusFeedGrain.Key);
        using var timer = new PeriodicTimer(RenewPeriod);
        do
        {
            try
            {
                await feed.SubscribeAsync(self);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogSubscribeFailed(logger, exception);
            }
        }
        while (await WaitAsync(timer, stoppingToken));

        try
        {
            await feed.UnsubscribeAsync(self);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogSubscribeFailed(logger, exception);
        }
        finally
        {
            client.DeleteObjectReference<IStatusObserver>(self);
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Subscribing to the live probe feed failed; retrying at the next renewal")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);

    /// <summary>One SSE client's share of the feed.</summary>
    public sealed class Lease(LiveFeed feed, Channel<ProbeUpdate> channel) : IDisposable
    {
        /// <summary>The client's updates.</summary>
        public ChannelReader<ProbeUpdate> Updates => channel.Reader;

        /// <inheritdoc />
        public void Dispose()
        {
            feed._clients.TryRemove(channel, out _);
            channel.Writer.TryComplete();
        }
    }
}
