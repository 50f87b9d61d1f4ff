using AmoHub.Sandbox.Webhooks;

namespace AmoHub.Sandbox.Accounts;

internal sealed partial class SandboxAccount
{
    /// <summary>The delivery log keeps this many attempts per account, dropping the oldest.</summary>
    private const int DeliveryLogSize = 10_000;

    /// <summary>Failures within this long of sandbox time count towards disabling a webhook.</summary>
    private static readonly TimeSpan FailureWindow = TimeSpan.FromHours(2);

    private readonly List<Subscription> _webhooks = [];
    private readonly Queue<SandboxDelivery> _deliveries = new();
    private long _lastWebhookId;
    private long _webhookAttempts;
    private long _webhookFailures;
    private int _deliveriesUnderway;

    private int _unreachableDeliveries;

    /// <summary>
    /// Makes the next <paramref name="count"/> delivery attempts of this account fail as if the subscriber could not be
    /// reached, without sending them: an outage of the receiver, to see the webhook switched off.
    /// </summary>
    public void MakeDeliveriesUnreachable(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Volatile.Write(ref _unreachableDeliveries, count);
    }

    /// <summary>Whether this attempt is one of those <see cref="MakeDeliveriesUnreachable"/> asked to fail.</summary>
    public bool TakeUnreachableDelivery()
    {
        while (Volatile.Read(ref _unreachableDeliveries) is var left and > 0)
        {
            if (Interlocked.CompareExchange(ref _unreachableDeliveries, left - 1, left) == left)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Deliveries started and not yet ended: an attempt in flight or a retry waiting for its turn.</summary>
    public int DeliveriesUnderway => Volatile.Read(ref _deliveriesUnderway);

    /// <summary>Counts a delivery from before its first attempt until its last attempt is recorded.</summary>
    public void DeliveryStarted() => Interlocked.Increment(ref _deliveriesUnderway);

    /// <inheritdoc cref="DeliveryStarted"/>
    public void DeliveryEnded() => Interlocked.Decrement(ref _deliveriesUnderway);

    public IReadOnlyList<SandboxWebhook> Webhooks()
    {
        lock (_lock)
        {
            return _webhooks.Select(webhook => webhook.Snapshot()).ToList();
        }
    }

    public IReadOnlyList<SandboxDelivery> Deliveries()
    {
        lock (_lock)
        {
            return _deliveries.ToList();
        }
    }

    /// <summary>
    /// Subscribes <paramref name="destination"/> to <paramref name="settings"/>. Subscribing an existing destination
    /// again replaces its settings and re-enables it, as an admin would.
    /// </summary>
    public SandboxWebhook Subscribe(string destination, IReadOnlyList<string> settings)
    {
        var now = Now();
        lock (_lock)
        {
            var webhook = _webhooks.Find(candidate => candidate.Destination == destination);
            if (webhook is null)
            {
                webhook = new Subscription(++_lastWebhookId, destination, now);
                _webhooks.Add(webhook);
            }

            webhook.Settings = settings.Distinct(StringComparer.Ordinal).ToList();
            webhook.Disabled = false;
            webhook.Failures.Clear();
            webhook.UpdatedAt = now;
            return webhook.Snapshot();
        }
    }

    /// <summary>Removes the subscription of <paramref name="destination"/>, if there is one, and drops its pending retries.</summary>
    public void Unsubscribe(string destination)
    {
        List<Subscription> removed;
        lock (_lock)
        {
            removed = _webhooks.FindAll(webhook => webhook.Destination == destination);
            _webhooks.RemoveAll(removed.Contains);
        }

        removed.ForEach(webhook => webhook.Retries.Cancel());
    }

    /// <summary>
    /// Logs one delivery attempt and counts a failure against its webhook: more than
    /// <see cref="SandboxSettings.DisableWebhookAfterFailures"/> within 2 hours disable it and drop its pending retries.
    /// Returns whether a failed delivery should be tried again (its webhook is still subscribed and enabled).
    /// </summary>
    public bool RecordDelivery(SandboxDelivery delivery)
    {
        int? disabledAfter = null;
        CancellationTokenSource? dropped = null;
        try
        {
            lock (_lock)
            {
                _deliveries.Enqueue(delivery);
                if (_deliveries.Count > DeliveryLogSize)
                {
                    _deliveries.Dequeue();
                }

                _webhookAttempts++;
                if (delivery.Succeeded)
                {
                    return false;
                }

                _webhookFailures++;
                var webhook = _webhooks.Find(candidate => candidate.Id == delivery.WebhookId);
                if (webhook is null || webhook.Disabled)
                {
                    return false;
                }

                webhook.Failures.Enqueue(delivery.At);
                while (webhook.Failures.Peek() <= delivery.At - _settings.WallTime(FailureWindow))
                {
                    webhook.Failures.Dequeue();
                }

                if (webhook.Failures.Count <= _settings.DisableWebhookAfterFailures)
                {
                    return true;
                }

                webhook.Disabled = true;
                dropped = webhook.Retries;
                webhook.Retries = new CancellationTokenSource();
                disabledAfter = webhook.Failures.Count;
                return false;
            }
        }
        finally
        {
            // Outside the lock: cancelling runs the dropped retries' endings on this thread.
            dropped?.Cancel();
            if (disabledAfter is { } failures)
            {
                SandboxLog.WebhookDisabled(_logger, delivery.WebhookId, Subdomain, failures);
            }
        }
    }

    /// <summary>
    /// Sends the changes of one call to every enabled webhook that wants at least one of them: one delivery per
    /// webhook holding all the changes it wants. Callers hold the lock, so deliveries leave in the order of changes.
    /// </summary>
    private void Publish(IEnumerable<WebhookEvent> events)
    {
        var changes = events.ToList();
        foreach (var webhook in _webhooks.Where(webhook => !webhook.Disabled))
        {
            var wanted = changes.Where(change => webhook.Settings.Contains(change.Setting)).ToList();
            if (wanted.Count > 0)
            {
                _dispatcher.Send(this, new DeliveryTarget(webhook.Id, webhook.Destination, webhook.Retries.Token), WebhookEvent.Form(wanted, Subdomain, Id));
            }
        }
    }

    /// <summary>A subscription's mutable state, guarded by the account's lock.</summary>
    private sealed class Subscription(long id, string destination, long createdAt)
    {
        public long Id { get; } = id;

        public string Destination { get; } = destination;

        public long CreatedAt { get; } = createdAt;

        public IReadOnlyList<string> Settings { get; set; } = [];

        public bool Disabled { get; set; }

        public long UpdatedAt { get; set; } = createdAt;

        /// <summary>When recent deliveries failed, oldest first.</summary>
        public Queue<DateTimeOffset> Failures { get; } = new();

        /// <summary>
        /// Cancelled to drop the pending retries of its deliveries when it is disabled (then replaced, for the deliveries
        /// after it is subscribed again) or removed. Never disposed: the retries it dropped still read its token.
        /// </summary>
        public CancellationTokenSource Retries { get; set; } = new();

        public SandboxWebhook Snapshot() => new(Id, Destination, Settings, Disabled, CreatedAt, UpdatedAt);
    }
}
