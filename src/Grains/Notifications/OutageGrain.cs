using System.Collections.Immutable;
using AmoHub.Grains.Interfaces.Accounts;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Monitoring.Incidents;
using AmoHub.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AmoHub.Grains.Notifications;

/// <summary>
/// One check's outages across accounts (see <see cref="IOutageGrain"/>). Notifiers report their incidents' openings
/// and closings and ask, when a DOWN alert is due, whether it belongs to an outage. The first account to ask about an
/// outage tells each of its channels; a later account tells only the channels nobody told yet, so a channel shared by
/// every account (the deployment's Mattermost, one Telegram chat) gets one DOWN, not one per account. As accounts join
/// or recover, every telling account hears of it: Telegram edits its message at once, the other channels post a
/// follow-up at most every <see cref="NotificationOptions.GroupFollowUpInterval"/>; when the last account recovers,
/// they all post one RESTORED. The tracker only decides and tells; the notifiers' outboxes deliver, so a message is
/// never lost or sent twice. A closing whose message was lost (a notifier's call that failed) would keep its account a
/// member, and an outage would never end: every <see cref="NotificationOptions.GroupFollowUpInterval"/> while it has
/// members, the tracker looks their incidents up and lets go of those that have closed.
/// </summary>
public sealed partial class OutageGrain(
    [PersistentState("outage", StorageNames.Default)] IPersistentState<OutageState> state,
    IncidentStore incidents,
    TimeProvider time,
    IOptions<NotificationOptions> options,
    ILogger<OutageGrain> logger) : Grain, IOutageGrain
{
    private CheckType _check;
    private IGrainTimer? _followUp;
    private IGrainTimer? _sweep;

    private OutageState Kept => state.State;

    private NotificationOptions Options => options.Value;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        _ = CheckTypes.TryParse(key[(key.IndexOf(':', StringComparison.Ordinal) + 1)..], out _check);
        ScheduleFollowUp();
        ScheduleSweep();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task JoinAsync(OutageMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        if (Add(member))
        {
            await state.WriteStateAsync();
            Changed();
            ScheduleSweep();
        }
    }

    /// <inheritdoc />
    public async Task<OutageVerdict> ClaimAsync(OutageClaim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var member = claim.Member;
        var joined = Add(member);
        ScheduleSweep();
        var now = time.GetUtcNow();
        if (Kept.OutageId is null)
        {
            var together = Kept.Members.Values
                .Where(other => (other.StartedAt - member.StartedAt).Duration() <= Options.GroupWindow)
                .ToList();
            if (together.Count < Options.GroupMinAccounts)
            {
                await state.WriteStateAsync();
                return new OutageVerdict(null, []);
            }

            Kept.OutageId = now.ToUnixTimeMilliseconds();
            Kept.Since = together.Min(other => other.StartedAt);
            Kept.Total = Math.Max(await CountAccountsAsync(), Kept.Members.Count);
            Kept.LastFollowUpAt = now;
            Kept.ToldAffected = Kept.Peak = Kept.Members.Count;
            joined = false;
            LogDeclared(logger, _check, Kept.Members.Count, Kept.Total);
        }

        if (joined)
        {
            Changed();
        }

        var speakFor = claim.Targets.Where(target => Kept.Speakers.TryAdd(target, member.Account)).ToImmutableArray();
        await state.WriteStateAsync();

        return new OutageVerdict(Snapshot(endedAt: null), speakFor);
    }

    /// <inheritdoc />
    public async Task LeaveAsync(OutageMember member, DateTimeOffset endedAt)
    {
        ArgumentNullException.ThrowIfNull(member);
        if (Kept.Members.TryGetValue(member.Account, out var kept) && kept.IncidentId == member.IncidentId)
        {
            await RemoveAsync([member.Account], endedAt);
        }
    }

    /// <inheritdoc />
    public Task<PlatformOutage?> GetAsync() => Task.FromResult(Kept.OutageId is null ? null : Snapshot(endedAt: null));

    /// <summary>The accounts' incidents closed, the last at <paramref name="endedAt"/>: one write, and the outage ends when none is left.</summary>
    private async Task RemoveAsync(IReadOnlyCollection<string> accounts, DateTimeOffset endedAt)
    {
        foreach (var account in accounts)
        {
            Kept.Members.Remove(account);
        }

        if (Kept.OutageId is not null && Kept.Members.Count == 0)
        {
            var ended = Snapshot(endedAt);
            Tell(ended, followUp: true);
            LogEnded(logger, _check, ended.Peak, endedAt - ended.Since);
            state.State = new OutageState();
        }

        await state.WriteStateAsync();
        Changed();
    }

    private void ScheduleSweep()
    {
        if (_sweep is not null || Kept.Members.Count == 0)
        {
            return;
        }

        _sweep = this.RegisterGrainTimer(
            static (grain, _) => grain.SweepAsync(),
            this,
            new GrainTimerCreationOptions { DueTime = Options.GroupFollowUpInterval, Period = Options.GroupFollowUpInterval, Interleave = false });
    }

    /// <summary>Lets go of members whose incident has closed without the tracker hearing of it; stops when none is left.</summary>
    private async Task SweepAsync()
    {
        var members = Kept.Members.Where(pair => pair.Value.IncidentId > 0).ToDictionary(pair => pair.Value.IncidentId, pair => pair.Key);
        var ended = await incidents.EndedAsync(members.Keys);
        if (ended.Count > 0)
        {
            LogSwept(logger, _check, ended.Count);
            await RemoveAsync([.. ended.Keys.Select(id => members[id])], ended.Values.Max());
        }

        if (Kept.Members.Count == 0)
        {
            _sweep?.Dispose();
            _sweep = null;
        }
    }

    private bool Add(OutageMember member)
    {
        if (Kept.Members.TryGetValue(member.Account, out var kept) && kept.IncidentId == member.IncidentId)
        {
            return false;
        }

        Kept.Members[member.Account] = new OutageMemberState { IncidentId = member.IncidentId, StartedAt = member.StartedAt };
        Kept.Peak = Kept.OutageId is null ? Kept.Peak : Math.Max(Kept.Peak, Kept.Members.Count);
        return true;
    }

    /// <summary>
    /// The accounts down changed during an outage: the channels that edit hear of it at once; the others at the next
    /// follow-up, which the timer brings.
    /// </summary>
    private void Changed()
    {
        if (Kept.OutageId is null || Kept.Members.Count == Kept.ToldAffected)
        {
            return;
        }

        Tell(Snapshot(endedAt: null), followUp: false);
        ScheduleFollowUp();
    }

    private void ScheduleFollowUp()
    {
        if (Kept.OutageId is null || Kept.Members.Count == Kept.ToldAffected)
        {
            return;
        }

        var due = (Kept.LastFollowUpAt ?? time.GetUtcNow()) + Options.GroupFollowUpInterval - time.GetUtcNow();
        _followUp?.Dispose();
        _followUp = this.RegisterGrainTimer(
            static (grain, _) => grain.FollowUpAsync(),
            this,
            new GrainTimerCreationOptions { DueTime = due > TimeSpan.Zero ? due : TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan, Interleave = false });
    }

    private async Task FollowUpAsync()
    {
        _followUp?.Dispose();
        _followUp = null;
        if (Kept.OutageId is null || Kept.Members.Count == Kept.ToldAffected)
        {
            return;
        }

        Kept.LastFollowUpAt = time.GetUtcNow();
        Kept.ToldAffected = Kept.Members.Count;
        await state.WriteStateAsync();
        Tell(Snapshot(endedAt: null), followUp: true);
    }

    /// <summary>Tells every account that speaks for some channels, one-way: the tracker never waits on a notifier.</summary>
    private void Tell(PlatformOutage outage, bool followUp)
    {
        foreach (var speaker in Kept.Speakers.GroupBy(pair => pair.Value, pair => pair.Key))
        {
            GrainFactory.GetGrain<IOutageListener>(GrainKeys.Notifier(speaker.Key))
                .OutageChangedAsync(outage, followUp, [.. speaker])
                .Ignore();
        }
    }

    private PlatformOutage Snapshot(DateTimeOffset? endedAt) => new(
        _check,
        Kept.OutageId ?? 0,
        Kept.Since ?? time.GetUtcNow(),
        Kept.Members.Count,
        Kept.Total,
        Kept.Peak,
        [.. Kept.Members.OrderBy(pair => pair.Value.StartedAt).ThenBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => pair.Key).Take(PlatformOutage.MaxAccountsListed)],
        endedAt);

    private async Task<int> CountAccountsAsync() =>
        (await GrainFactory.GetGrain<IAccountRegistryGrain>(IAccountRegistryGrain.Key).ListAsync()).Count;

    [LoggerMessage(EventId = 7100, Level = LogLevel.Warning, Message = "{CheckType} is down on {Affected} of {Total} accounts at once: an outage of amoCRM itself, alerted once per channel")]
    private static partial void LogDeclared(ILogger logger, CheckType checkType, int affected, int total);

    [LoggerMessage(EventId = 7151, Level = LogLevel.Warning, Message = "{Count} accounts' {CheckType} incidents closed without the outage tracker hearing of it; they no longer count as down")]
    private static partial void LogSwept(ILogger logger, CheckType checkType, int count);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Information, Message = "The {CheckType} outage is over: at most {Peak} accounts were down, for {Duration}")]
    private static partial void LogEnded(ILogger logger, CheckType checkType, int peak, TimeSpan duration);
}

/// <summary>What an outage tracker keeps: the accounts with an open incident of its check, and the outage under way.</summary>
[GenerateSerializer, Alias("amohub.OutageState")]
public sealed class OutageState
{
    /// <summary>The accounts whose incident of the check is open, with that incident.</summary>
    [Id(0)]
    public Dictionary<string, OutageMemberState> Members { get; set; } = [];

    /// <summary>The outage under way (the milliseconds of its declaration); null when there is none.</summary>
    [Id(1)]
    public long? OutageId { get; set; }

    /// <summary>The first incident of the outage.</summary>
    [Id(2)]
    public DateTimeOffset? Since { get; set; }

    /// <summary>The most accounts down at once during the outage.</summary>
    [Id(3)]
    public int Peak { get; set; }

    /// <summary>Which account tells each channel (by fingerprint) of the outage.</summary>
    [Id(4)]
    public Dictionary<string, string> Speakers { get; set; } = [];

    /// <summary>When the channels that cannot edit last heard of the outage.</summary>
    [Id(5)]
    public DateTimeOffset? LastFollowUpAt { get; set; }

    /// <summary>How many accounts were down when those channels last heard.</summary>
    [Id(6)]
    public int ToldAffected { get; set; }

    /// <summary>The accounts monitored when the outage began.</summary>
    [Id(7)]
    public int Total { get; set; }
}

/// <summary>An account's open incident of the check.</summary>
[GenerateSerializer, Alias("amohub.OutageMemberState")]
public sealed class OutageMemberState
{
    /// <summary>The incident's row id.</summary>
    [Id(0)]
    public long IncidentId { get; set; }

    /// <summary>Its first down result.</summary>
    [Id(1)]
    public DateTimeOffset StartedAt { get; set; }
}
