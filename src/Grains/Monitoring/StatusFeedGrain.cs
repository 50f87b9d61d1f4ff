using AmoHub.Grains.Interfaces.Monitoring;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace AmoHub.Grains.Monitoring;

/// <summary>
/// Collects probe results and hands them to every subscribed API process in batches every
/// <see cref="FlushPeriod"/>, so live clients see a result well within a second while a silo running thousands
/// of probes sends a few messages a second instead of one per result per process.
/// </summary>
public sealed class StatusFeedGrain(ILogger<StatusFeedGrain> logger) : Grain, IStatusFeedGrain
{
    /// <summary>How often pending updates go out.</summary>
    public static readonly TimeSpan FlushPeriod = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a subscription lives without renewal.</summary>
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(2);

    private const int MaxPending = 50_000;

    private readonly ObserverManager<IStatusObserver> _observers = new(SubscriptionLifetime, logger);
    private List<ProbeUpdate> _pending = [];

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(
            static (grain, _) => grain.FlushAsync(),
            this,
            new GrainTimerCreationOptions { DueTime = FlushPeriod, Period = FlushPeriod, Interleave = false, KeepAlive = true });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task PublishAsync(ProbeUpdate update)
    {
        if (_observers.Count > 0 && _pending.Count < MaxPending)
        {
            _pending.Add(update);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task SubscribeAsync(IStatusObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task UnsubscribeAsync(IStatusObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    private Task FlushAsync()
    {
        _observers.ClearExpired();
        if (_pending.Count == 0)
        {
            return Task.CompletedTask;
        }

        var batch = _pending;
        _pending = [];
        _observers.Notify(observer => observer.OnUpdatesAsync(batch));
        return Task.CompletedTask;
    }
}
