using System.Collections.Immutable;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Probes.DigitalPipeline;
using Microsoft.Extensions.Logging;

namespace AmoHub.Grains.Crm.Webhooks;

/// <summary>
/// Takes an account's webhook deliveries: stores each one before answering, then applies them a batch at a time to
/// the contact and lead grains (each entity's events in arrival order, in one call; different entities at once),
/// marks a delivery applied once all it changed is stored, and asks the account grain for one (coalesced) sync of
/// what they touched. An entity that fails for a reason of its own is set aside (<see cref="CrmDeadLetters"/>) and
/// the rest go on.
/// A reminder brings the inbox back after a restart to finish what was stored but not yet applied.
/// </summary>
public sealed partial class WebhookInboxGrain(
    WebhookInboxStore store,
    CrmDeadLetters deadLetters,
    TimeProvider time,
    ILogger<WebhookInboxGrain> logger) : Grain, IWebhookInboxGrain, IRemindable
{
    private const string ReminderName = "drain";
    private const int BatchSize = 100;

    /// <summary>Entities of a batch applied at the same time (their grains' writes then share commits).</summary>
    private const int EntitiesAtOnce = 64;

    private const int PurgeBatch = 5_000;

    /// <summary>Applied deliveries are kept this long, for tracing what amoCRM sent.</summary>
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    private Task? _draining;
    private bool _moreToDrain;
    private InboxBatch? _collecting;
    private Task _lastWrite = Task.CompletedTask;
    private DateTimeOffset _lastPurge;
    private bool _reminderRegistered;
    private RetryBackoff? _backoff;

    private string Account => GrainKeys.AccountOf(this.GetPrimaryKeyString());

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        StartDraining();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task AcceptAsync(WebhookDelivery delivery)
    {
        // Deliveries that arrive while a write is in flight share the next write, so a burst costs one commit per
        // write rather than one per delivery, and each caller still returns only once its own delivery is stored.
        var batch = _collecting;
        if (batch is null)
        {
            batch = _collecting = new InboxBatch(delivery);
            batch.Written = _lastWrite = WriteAfterAsync(_lastWrite, batch);
        }
        else
        {
            batch.Deliveries.Add(delivery);
        }

        await batch.Written;
        WebhookMetrics.CountAccepted(Account, delivery.Events.Length);
        if (!_reminderRegistered)
        {
            await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5));
            _reminderRegistered = true;
        }

        StartDraining();
    }

    /// <summary>Writes a batch once the write before it is over; from then on, new deliveries start the next batch.</summary>
    private async Task WriteAfterAsync(Task previous, InboxBatch batch)
    {
        try
        {
            await previous;
        }
        catch (Exception)
        {
            // The earlier batch's callers see its failure; this batch is written on its own.
        }

        if (ReferenceEquals(_collecting, batch))
        {
            _collecting = null;
        }

        await store.AppendAsync(Account, batch.Deliveries);
    }

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        StartDraining();
        return Task.CompletedTask;
    }

    private void StartDraining()
    {
        _moreToDrain = true;
        if (_draining is null || _draining.IsCompleted)
        {
            _draining = DrainAsync();
        }
    }

    /// <summary>Drains until no delivery arrived during the last pass (one may land while a pass syncs).</summary>
    private async Task DrainAsync()
    {
        while (_moreToDrain)
        {
            _moreToDrain = false;
            await DrainPassAsync();
        }
    }

    private async Task DrainPassAsync()
    {
        try
        {
            var contactsTouched = false;
            var leadsTouched = false;
            while (true)
            {
                var entries = await store.PendingAsync(Account, BatchSize);
                if (entries.Count == 0)
                {
                    break;
                }

                var kept = await ApplyBatchAsync(entries);
                var done = entries.Where(e => !e.Events.Any(change => kept.Contains((change.Entity, change.Id)))).Select(e => e.Id).ToList();
                await MarkAppliedAsync(done, entries);
                contactsTouched |= entries.Any(e => e.Events.Any(change => change.Entity == WebhookEntity.Contact));
                leadsTouched |= entries.Any(e => e.Events.Any(change => change.Entity == WebhookEntity.Lead));
                if (kept.Count > 0)
                {
                    // Kept for another try: the deliveries with an event of those entities wait in the inbox, and
                    // the entities' later events wait behind them (the next pass starts from the oldest pending).
                    RetryLater(exception: null);
                    return;
                }
            }

            _backoff?.Succeeded();

            // A webhook event loses a tie with what we keep (it may be a stale duplicate), so a change made within
            // the same second as the previous one is picked up by one sync after the batch; lead events carry
            // no contact links at all, which the lead sync brings.
            var account = GrainFactory.GetGrain<IAccountGrain>(GrainKeys.Account(Account));
            if (contactsTouched)
            {
                await account.SyncContactsAsync();
            }

            if (leadsTouched)
            {
                await account.SyncLeadsAsync();
            }

            if (time.GetUtcNow() - _lastPurge > TimeSpan.FromHours(1))
            {
                _lastPurge = time.GetUtcNow();
                await store.PurgeAppliedAsync(Account, _lastPurge - Retention, PurgeBatch);
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Nothing is lost: the deliveries stay in the inbox and are tried again.
            RetryLater(exception);
        }
    }

    private async Task MarkAppliedAsync(List<long> done, IReadOnlyList<InboxEntry> entries)
    {
        if (done.Count == 0)
        {
            return;
        }

        await store.MarkAppliedAsync(done, time.GetUtcNow());
        WebhookMetrics.CountApplied(Account, entries.Where(e => done.Contains(e.Id)).Sum(e => e.Events.Count));
    }

    /// <summary>
    /// Tries the inbox again after a failed pass (<see cref="RetryBackoff"/>), so an event that keeps failing is set
    /// aside within seconds and a storage outage is not hammered.
    /// </summary>
    private void RetryLater(Exception? exception)
    {
        LogDrainFailed(logger, exception, Account);
        (_backoff ??= new RetryBackoff(this, StartDraining)).Failed();
    }

    /// <summary>
    /// Applies a batch of deliveries: each entity's events, in arrival order, in one call of its grain (which writes
    /// once for all of them), different entities at the same time. Returns the entities kept for another try, whose
    /// deliveries must not be marked applied; a failure of the moment is thrown and leaves the whole batch pending.
    /// </summary>
    private async Task<HashSet<(WebhookEntity Entity, long Id)>> ApplyBatchAsync(IReadOnlyList<InboxEntry> entries)
    {
        var byEntity = new Dictionary<(WebhookEntity Entity, long Id), ImmutableArray<WebhookEvent>.Builder>();
        foreach (var entry in entries)
        {
            foreach (var change in entry.Events)
            {
                var key = (change.Entity, change.Id);
                if (!byEntity.TryGetValue(key, out var changes))
                {
                    byEntity[key] = changes = ImmutableArray.CreateBuilder<WebhookEvent>();
                }

                changes.Add(change with { UpdatedAt = change.UpdatedAt ?? entry.ReceivedAt });
            }
        }

        var kept = new HashSet<(WebhookEntity Entity, long Id)>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = EntitiesAtOnce, TaskScheduler = TaskScheduler.Current };
        await Parallel.ForEachAsync(byEntity, options, async (entity, _) =>
        {
            var changes = entity.Value.ToImmutable();
            if (!await deadLetters.ApplyOrSetAsideAsync(Account, "webhook", entity.Key.Entity, entity.Key.Id, () => ApplyAsync(entity.Key.Entity, entity.Key.Id, changes)))
            {
                kept.Add(entity.Key);
            }
        });
        return kept;
    }

    /// <summary>Applies one entity's events to its contact or lead grain.</summary>
    private Task ApplyAsync(WebhookEntity entity, long id, ImmutableArray<WebhookEvent> changes)
    {
        if (entity == WebhookEntity.Lead)
        {
            return GrainFactory.GetGrain<ILeadGrain>(GrainKeys.Lead(Account, id)).ApplyWebhookEventsAsync(changes);
        }

        foreach (var change in changes)
        {
            if (change.Action != WebhookAction.Delete && DigitalPipelineMarkers.TryParse(change.Name, out var marker))
            {
                GrainFactory.GetGrain<IProbeGrain>(GrainKeys.Probe(Account, CheckType.Dp)).DigitalPipelineEchoAsync(marker).Ignore();
            }
        }

        return GrainFactory.GetGrain<IContactGrain>(GrainKeys.Contact(Account, id)).ApplyWebhookEventsAsync(changes);
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Applying webhook deliveries of {Account} failed; they stay in the inbox and are retried")]
    private static partial void LogDrainFailed(ILogger logger, Exception? exception, string account);
}

/// <summary>Deliveries waiting for one inbox write, and that write.</summary>
internal sealed class InboxBatch(WebhookDelivery first)
{
    public List<WebhookDelivery> Deliveries { get; } = [first];

    public Task Written { get; set; } = Task.CompletedTask;
}
