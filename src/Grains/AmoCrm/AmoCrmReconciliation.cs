using AmoHub.Grains.Crm;
using AmoHub.Grains.Interfaces.Crm;

namespace AmoHub.Grains.AmoCrm;

/// <summary>What one entity a reconciliation read from amoCRM was to our copy.</summary>
public enum EntityDifference
{
    /// <summary>Our copy had it as amoCRM has it, or newer.</summary>
    Same,

    /// <summary>Our copy did not have it (or had it deleted).</summary>
    Missing,

    /// <summary>Our copy had an older version.</summary>
    Stale,

    /// <summary>Our copy had it; amoCRM did not list it.</summary>
    Extra,
}

/// <summary>
/// A full comparison of one account's copy with amoCRM, on demand (after a restore, or when in doubt): every live
/// contact and lead is read, oldest change first, through the same time-keyed paging as the import
/// (<see cref="EntitySync{TEntity}"/>, from the start, with a position of its own), and put into our copy when it is
/// missing there or older; then whatever our copy holds that amoCRM did not list is removed (unless it changed after the
/// comparison began: AmoHub made it meanwhile). What differed is counted,
/// with a sample of ids, and kept for <c>GET /api/amocrm/status</c>. One runs at a time; it runs inside the account grain.
/// </summary>
public sealed class AmoCrmReconciliation(
    Func<string> account,
    Func<int, long?, Task<SyncPage<AmoContact>>> readContacts,
    Func<int, long?, Task<SyncPage<AmoLead>>> readLeads,
    Func<AmoContact, Task<EntityDifference>> applyContact,
    Func<AmoLead, Task<EntityDifference>> applyLead,
    Func<bool, Task<IReadOnlyList<long>>> ours,
    Func<bool, long, DateTimeOffset, Task<bool>> remove,
    CrmDeadLetters deadLetters,
    TimeProvider time)
{
    /// <summary>Ids kept of each kind of difference.</summary>
    private const int SampleSize = 10;

    private Task? _running;
    private Counter _contacts = new();
    private Counter _leads = new();
    private Reconciliation? _last;

    /// <summary>Where the last or current comparison stands; null when none ran since the grain was activated.</summary>
    public Reconciliation? Status => _last is null ? null : _last with { Contacts = _contacts.Report(), Leads = _leads.Report() };

    /// <summary>Starts a comparison unless one runs; where it stands.</summary>
    public Reconciliation Start(Action<Task> inBackground)
    {
        ArgumentNullException.ThrowIfNull(inBackground);
        if (_running is { IsCompleted: false })
        {
            return Status!;
        }

        (_contacts, _leads) = (new Counter(), new Counter());
        _last = new Reconciliation(true, time.GetUtcNow(), null, Differences.None, Differences.None);
        _running = RunAsync();
        inBackground(_running);
        return Status!;
    }

    private async Task RunAsync()
    {
        try
        {
            await CompareAsync(WebhookEntity.Contact, readContacts, applyContact, _contacts, leads: false, _last!.StartedAt);
            await CompareAsync(WebhookEntity.Lead, readLeads, applyLead, _leads, leads: true, _last!.StartedAt);
            _last = _last! with { Running = false, FinishedAt = time.GetUtcNow() };
        }
        catch (Exception exception) when (exception is AmoCrmException or System.Data.Common.DbException or OrleansException or TimeoutException)
        {
            _last = _last! with { Running = false, FinishedAt = time.GetUtcNow(), Error = exception is AmoCrmException amoCrm ? amoCrm.Message : "AmoHub's storage failed; start it again." };
            throw;
        }
    }

    private async Task CompareAsync<T>(
        WebhookEntity kind, Func<int, long?, Task<SyncPage<T>>> read, Func<T, Task<EntityDifference>> apply, Counter counter, bool leads, DateTimeOffset began)
        where T : IAmoEntity
    {
        var seen = new HashSet<long>();
        var position = new SyncCursor(false, 0);
        var progress = new ImportPosition(0, 0);
        var tracker = new ImportTracker(() => progress, moved => progress = moved, () => position, _ => { }, time);
        var sync = new EntitySync<T>(
            kind,
            account,
            read,
            async entity =>
            {
                if (!seen.Add(entity.Id))
                {
                    return;
                }

                counter.Read++;
                counter.Count(await apply(entity), entity.Id);
            },
            () => position,
            moved =>
            {
                position = moved;
                return Task.CompletedTask;
            },
            tracker,
            deadLetters,
            time);
        await sync.RunAsync();

        foreach (var id in await ours(leads))
        {
            if (!seen.Contains(id) && await remove(leads, id, began))
            {
                counter.Extra++;
                counter.Note(EntityDifference.Extra, id);
            }
        }
    }

    /// <summary>The counts of one kind of entity, as a comparison goes.</summary>
    private sealed class Counter
    {
        private readonly Dictionary<EntityDifference, List<long>> _samples = [];

        public long Read { get; set; }

        public long Missing { get; private set; }

        public long Stale { get; private set; }

        public long Extra { get; set; }

        public void Count(EntityDifference difference, long id)
        {
            if (difference == EntityDifference.Same)
            {
                return;
            }

            if (difference == EntityDifference.Missing)
            {
                Missing++;
            }
            else
            {
                Stale++;
            }

            Note(difference, id);
        }

        public void Note(EntityDifference difference, long id)
        {
            var sample = _samples.TryGetValue(difference, out var kept) ? kept : _samples[difference] = [];
            if (sample.Count < SampleSize)
            {
                sample.Add(id);
            }
        }

        public Differences Report() => new(Read, Missing, Stale, Extra, [.. _samples.OrderBy(pair => pair.Key).SelectMany(pair => pair.Value)]);
    }
}
