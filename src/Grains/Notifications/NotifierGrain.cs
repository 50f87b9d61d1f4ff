using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Maintenance;
using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Security;
using AmoHub.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AmoHub.Grains.Notifications;

/// <summary>
/// Sends one account's alerts, apart from its probes. Probes hand incident notices over one-way; the notifier decides
/// what to say and when, and its courier delivers:
/// <list type="bullet">
/// <item>a DOWN alert only for an incident still open <see cref="NotificationOptions.Delay"/> after it opened (a
/// shorter blip sends nothing), a still-down alert every <see cref="NotificationOptions.RealertInterval"/>, and one
/// RESTORED alert with the duration when an alerted incident closes;</item>
/// <item>a check that opens more than <see cref="NotificationOptions.FlapThreshold"/> incidents within the flapping
/// window gets one flapping alert, and its DOWN and still-down alerts are muted for
/// <see cref="NotificationOptions.FlapMute"/>;</item>
/// <item>one message per incident and kind: the alerts raised are kept in state with the incident, and a message is
/// written to the outbox (in state) before it is sent, so repeated notices and restarts send nothing twice and lose
/// nothing; a reminder brings the notifier back while work is pending;</item>
/// <item>an incident that opened during a maintenance window is tracked but raises nothing, and each maintenance
/// period's start and end are announced once (the announcements made are kept in state);</item>
/// <item>a weekly digest composed by the account's <see cref="DigestGrain"/> is queued like any alert, each scheduled
/// week once (the last week queued is kept in state);</item>
/// <item>each channel delivers its messages in order, one at a time, retrying with capped exponential back-off; a
/// channel that fails or hangs holds back only itself;</item>
/// <item>when a check fails on many accounts at once (<see cref="OutageGrain"/> decides), an incident's DOWN alert
/// goes into the outage: the account tells only the channels no other account told, and only of the outage (one
/// message for it, kept current, and one RESTORED); the incident then raises nothing of its own.</item>
/// </list>
/// The file is longer than most on purpose: raising alerts, the outbox and the schedule change the same state in the
/// same turn, and their invariants (one message per incident and kind, nothing sent twice) read best in one place;
/// the words of an alert (<see cref="AlertText"/>), the channel rules (<see cref="NotificationRules"/>) and the
/// delivery (<see cref="NotificationCourier"/>) live apart.
/// </summary>
public sealed partial class NotifierGrain(
    [PersistentState("notifier", StorageNames.Default)] IPersistentState<NotifierState> state,
    NotificationCourier courier,
    ISecretProtector protector,
    TimeProvider time,
    IOptions<NotificationOptions> options,
    ILogger<NotifierGrain> logger) : Grain, INotifierGrain, INotifierDeliveries, IOutageListener, IRemindable
{
    private const string ReminderName = "notifier";
    private const int MaxClosedIncidents = 1000;
    private const string StartSuffix = ":start";
    private const string EndSuffix = ":end";
    private static readonly TimeSpan KeepClosedIncidents = TimeSpan.FromDays(2);
    private static readonly TimeSpan LostReportGrace = TimeSpan.FromSeconds(30);
    private static readonly NotificationSettings NoSettings = new(null, null, null, null);

    private readonly Dictionary<NotificationChannel, InFlight> _inFlight = [];
    private NotificationSettings _settings = NoSettings;
    private string _account = "";
    private IGrainTimer? _timer;
    private bool _reminderRegistered;

    private NotificationOptions Options => options.Value;

    private NotifierState Kept => state.State;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _account = GrainKeys.AccountOf(this.GetPrimaryKeyString());
        _settings = Kept.Settings is { } stored ? NotificationRules.MapSecrets(stored, protector.Unprotect) : NoSettings;
        return AdvanceAsync(changed: false);
    }

    /// <inheritdoc />
    public async Task NotifyAsync(IncidentNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var now = time.GetUtcNow();
        var changed = notice.Change == IncidentChange.Opened ? Open(notice, now) : Close(notice, now);
        if (changed && Options.Grouping && !Kept.Incidents[notice.IncidentId].Maintenance)
        {
            await TellOutageAsync(Kept.Incidents[notice.IncidentId]);
        }

        await AdvanceAsync(changed);
    }

    /// <inheritdoc />
    public async Task OutageChangedAsync(PlatformOutage outage, bool followUp, ImmutableArray<string> speakFor)
    {
        ArgumentNullException.ThrowIfNull(outage);
        var now = time.GetUtcNow();
        var targets = Targets().Where(target => speakFor.Contains(Fingerprint(target))).ToList();
        var changed = false;
        if (outage.EndedAt is { } endedAt)
        {
            changed = RaiseOutage(OutageAlert(AlertKind.GroupRestored, outage, endedAt), targets, now);
        }
        else
        {
            var update = OutageAlert(AlertKind.GroupUpdate, outage, now);
            foreach (var target in targets.Where(target => followUp || EditableMessage(update, target.Channel) is not null))
            {
                // A newer update replaces one still waiting: the channel needs only the latest numbers.
                changed |= Kept.Outbox.RemoveAll(delivery =>
                    delivery.Channel == target.Channel && delivery.Alert.Kind == AlertKind.GroupUpdate
                    && delivery.Alert.IncidentId == outage.Id && !IsInFlight(delivery)) > 0;
                changed |= RaiseOutage(update, [target], now);
            }
        }

        await AdvanceAsync(changed);
    }

    /// <inheritdoc />
    public async Task<NotificationUpdate> ConfigureAsync(NotificationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var requested = KeepMaskedSecrets(NotificationRules.Normalize(settings));
        var errors = NotificationRules.Validate(requested, Options);
        if (errors.Count > 0)
        {
            return new NotificationUpdate(null, errors);
        }

        _settings = requested;
        Kept.Settings = NotificationRules.MapSecrets(requested, protector.Protect);
        var (mattermost, email, webhook) = (Target(NotificationChannel.Mattermost) is not null, Target(NotificationChannel.Email) is not null, Target(NotificationChannel.Webhook) is not null);
        LogConfigured(logger, _account, mattermost, email, webhook, Target(NotificationChannel.Telegram) is not null);
        await AdvanceAsync(changed: true);
        await GrainFactory.GetGrain<IDigestGrain>(GrainKeys.Digest(_account)).SettingsChangedAsync();
        return new NotificationUpdate(Masked(), new Dictionary<string, string[]>());
    }

    /// <inheritdoc />
    public Task<NotificationSettings> GetSettingsAsync() => Task.FromResult(Masked());

    /// <inheritdoc />
    public Task<NotifierStatus> GetStatusAsync()
    {
        var now = time.GetUtcNow();
        var channels = Enum.GetValues<NotificationChannel>().Select(channel =>
        {
            var counters = Kept.Channels.GetValueOrDefault(channel);
            var pending = Kept.Outbox.Where(delivery => delivery.Channel == channel).ToList();
            return new ChannelStatus(
                channel,
                Target(channel) is not null,
                pending.Count,
                counters?.Sent ?? 0,
                counters?.Dropped ?? 0,
                counters?.LastSentAt,
                counters?.LastError,
                counters?.LastErrorAt,
                pending.FirstOrDefault()?.NextAttemptAt,
                counters?.Failing);
        });
        var muted = Kept.Flaps
            .Where(pair => pair.Value.MutedUntil > now)
            .Select(pair => new MutedCheck(pair.Key, pair.Value.MutedUntil!.Value));
        return Task.FromResult(new NotifierStatus(
            _account, Kept.Incidents.Values.Count(incident => incident.EndedAt is null), [.. muted], [.. channels], QuietUntil(now), Kept.Held.Count));
    }

    /// <inheritdoc />
    public async Task<ImmutableArray<ChannelTestResult>> SendTestAsync()
    {
        var now = time.GetUtcNow();
        var alert = new Alert(AlertKind.Test, _account, null, null, now, now);
        var results = await Task.WhenAll(Targets().Select(target => TestAsync(alert, target)));
        return [.. results];
    }

    /// <inheritdoc />
    public Task AnnounceMaintenanceAsync(MaintenancePeriod period, bool ended)
    {
        ArgumentNullException.ThrowIfNull(period);
        var now = time.GetUtcNow();
        var alert = new Alert(
            ended ? AlertKind.MaintenanceEnded : AlertKind.MaintenanceStarted, _account, null, null, period.Start, ended ? period.End : now,
            Error: period.Reason, MutedUntil: period.End, WindowId: period.WindowId);
        if (period.End < now - KeepClosedIncidents || !Kept.Announcements.TryAdd(alert.Key, period.End))
        {
            return Task.CompletedTask;
        }

        Raise(alert, now);
        return AdvanceAsync(changed: true);
    }

    /// <inheritdoc />
    public async Task<ImmutableArray<NotificationChannel>> RaiseDigestAsync(DigestReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Scheduled && Kept.LastDigest >= report.To)
        {
            return [];
        }

        var channels = Targets().Select(target => target.Channel).ToImmutableArray();
        Raise(new Alert(AlertKind.Digest, _account, null, null, report.From, report.To, Digest: report), time.GetUtcNow());
        if (report.Scheduled)
        {
            Kept.LastDigest = report.To;
        }

        await AdvanceAsync(changed: true);
        return channels;
    }

    /// <inheritdoc />
    public async Task StopAsync()
    {
        foreach (var incident in Kept.Incidents.Values.Where(incident => incident.EndedAt is null && !incident.Maintenance).ToList())
        {
            incident.EndedAt = time.GetUtcNow();
            await TellOutageAsync(incident);
        }

        _settings = NoSettings;
        _inFlight.Clear();
        await state.ClearStateAsync();
        await ScheduleAsync(time.GetUtcNow());
        LogStopped(logger, _account);
        DeactivateOnIdle();
    }

    /// <inheritdoc />
    public async Task ReportAsync(DeliveryReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_inFlight.TryGetValue(report.Channel, out var flight) && flight.DeliveryId == report.DeliveryId)
        {
            _inFlight.Remove(report.Channel);
        }

        var index = Kept.Outbox.FindIndex(delivery => delivery.Id == report.DeliveryId);
        if (index < 0)
        {
            await AdvanceAsync(changed: false);
            return;
        }

        var now = time.GetUtcNow();
        var delivery = Kept.Outbox[index];
        var counters = Counters(report.Channel);
        var attempt = delivery.Attempts + 1;
        if (report.Error is null)
        {
            Kept.Outbox.RemoveAt(index);
            if (report.MessageId is { } messageId && Kept.OutageMessages.TryGetValue(delivery.Id, out var outageMessage))
            {
                outageMessage.MessageId = messageId;
            }

            counters.Sent++;
            counters.LastSentAt = now;
            counters.Failing = null;
            LogDelivered(logger, _account, report.Channel, delivery.Alert.Kind, attempt);
        }
        else if (report.Refused)
        {
            Kept.Outbox.RemoveAt(index);
            counters.Dropped++;
            counters.LastError = counters.Failing = report.Error;
            counters.LastErrorAt = now;
            LogRefused(logger, _account, report.Channel, delivery.Alert.Kind, report.Error);
        }
        else
        {
            var wait = report.RetryAfter ?? RetryDelay(attempt);
            Kept.Outbox[index] = delivery with { Attempts = attempt, NextAttemptAt = now + wait };
            counters.LastError = report.Error;
            counters.LastErrorAt = now;
            LogDeliveryFailed(logger, _account, report.Channel, delivery.Alert.Kind, attempt, report.Error, wait);
        }

        await AdvanceAsync(changed: true);
    }

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _reminderRegistered = true;
        return AdvanceAsync(changed: false);
    }

    private bool Open(IncidentNotice notice, DateTimeOffset now)
    {
        if (Kept.Incidents.ContainsKey(notice.IncidentId) || notice.StartedAt < now - KeepClosedIncidents)
        {
            return false;
        }

        Kept.Incidents[notice.IncidentId] = Track(notice, endedAt: null);
        if (notice.Maintenance)
        {
            LogMaintenanceIncident(logger, _account, notice.CheckType, notice.IncidentId);
            return true;
        }

        var check = notice.CheckType;
        if (!Kept.Flaps.TryGetValue(check, out var flaps))
        {
            Kept.Flaps[check] = flaps = new FlapHistory();
        }

        flaps.Openings.Add(notice.StartedAt);
        flaps.Openings.RemoveAll(at => at < now - Options.FlapWindow);
        if (flaps.Openings.Count > Options.FlapThreshold && !(MutedUntil(check) > now))
        {
            var until = now + Options.FlapMute;
            flaps.MutedUntil = until;
            Raise(new Alert(
                AlertKind.Flapping, _account, check, null, flaps.Openings.Min(), now,
                notice.HttpStatus, notice.ErrorCode, notice.Details, flaps.Openings.Count, until), now);
            LogFlapping(logger, _account, check, flaps.Openings.Count, Options.FlapWindow, until);
        }

        return true;
    }

    private bool Close(IncidentNotice notice, DateTimeOffset now)
    {
        var endedAt = notice.EndedAt ?? now;
        if (!Kept.Incidents.TryGetValue(notice.IncidentId, out var incident))
        {
            // The close came first, or the open was lost: nothing was alerted, and a late open is now recognised.
            Kept.Incidents[notice.IncidentId] = Track(notice, endedAt);
            return true;
        }

        if (incident.EndedAt is not null)
        {
            return false;
        }

        incident.EndedAt = endedAt;
        if (incident.LastAlertedAt is not null && incident.OutageId is null)
        {
            Raise(ToAlert(incident, AlertKind.Restored, endedAt), now);
        }

        return true;
    }

    /// <summary>
    /// Raises the alerts that are due, drops what is too old or has lost its channel, stores any change, starts the
    /// deliveries that may go, and sets the timer for the next thing due (a reminder keeps that across restarts). Every
    /// entry point ends here.
    /// </summary>
    private async Task AdvanceAsync(bool changed)
    {
        var now = time.GetUtcNow();
        changed |= await RaiseDueAlertsAsync(now);
        changed |= RaiseDueSlowAlerts(now);
        changed |= ReleaseHeld(now);
        changed |= DropUndeliverable(now);
        changed |= Prune(now);
        if (changed)
        {
            await state.WriteStateAsync();
        }

        Dispatch(now);
        await ScheduleAsync(now);
    }

    private async Task<bool> RaiseDueAlertsAsync(DateTimeOffset now)
    {
        var raised = false;
        foreach (var incident in Kept.Incidents.Values.Where(incident => incident.EndedAt is null).OrderBy(incident => incident.StartedAt).ToList())
        {
            if (DueAt(incident) is not { } due || due > now)
            {
                continue;
            }

            if (incident.LastAlertedAt is null && Options.Grouping && await ClaimOutageAsync(incident) is { Outage: { } outage } verdict)
            {
                incident.OutageId = outage.Id;
                var targets = Targets().Where(target => verdict.SpeakFor.Contains(Fingerprint(target))).ToList();
                RaiseOutage(OutageAlert(AlertKind.GroupDown, outage, now), targets, now);
            }
            else if (incident.LastAlertedAt is null)
            {
                Raise(ToAlert(incident, AlertKind.Down, now), now);
            }
            else
            {
                incident.StillDownAlerts++;
                Raise(ToAlert(incident, AlertKind.StillDown, now, incident.StillDownAlerts), now);
            }

            incident.LastAlertedAt = now;
            raised = true;
        }

        return raised;
    }

    /// <summary>
    /// When the next alert of an open incident is due: its DOWN alert <see cref="NotificationOptions.Delay"/> after it
    /// opened, then a still-down alert every <see cref="NotificationOptions.RealertInterval"/> after the last alert
    /// (none when re-alerts are off), held back to the end of its check's mute and of the maintenance under way; none
    /// for an incident that opened during maintenance or went into an outage of many accounts.
    /// </summary>
    private DateTimeOffset? DueAt(TrackedIncident incident)
    {
        if (incident.Maintenance || incident.OutageId is not null)
        {
            return null;
        }

        DateTimeOffset? due = incident.LastAlertedAt is not { } last ? incident.StartedAt + Options.Delay
            : Options.RealertInterval > TimeSpan.Zero ? last + Options.RealertInterval
            : null;
        if (due is { } at && MutedUntil(incident.CheckType) is { } until && until > at)
        {
            due = until;
        }

        return due is { } held && MaintenanceUntil() is { } maintenanceEnd && maintenanceEnd > held ? maintenanceEnd : due;
    }

    /// <summary>The latest end of the maintenance periods announced as started and not yet as ended, if any.</summary>
    private DateTimeOffset? MaintenanceUntil()
    {
        DateTimeOffset? until = null;
        foreach (var (key, end) in Kept.Announcements)
        {
            if (key.EndsWith(StartSuffix, StringComparison.Ordinal) && !Kept.Announcements.ContainsKey(key[..^StartSuffix.Length] + EndSuffix) && !(until >= end))
            {
                until = end;
            }
        }

        return until;
    }

    /// <summary>
    /// Writes a message to the outbox of every channel configured now, unless the account's quiet hours hold it. Every
    /// alert is raised once (an incident keeps the alerts raised for it, a flapping check its mute, a slow-down its
    /// episode), so no message is queued twice.
    /// </summary>
    private void Raise(Alert alert, DateTimeOffset now) => Raise(alert, Targets(), now);

    private void Raise(Alert alert, IReadOnlyCollection<ChannelTarget> targets, DateTimeOffset now)
    {
        if (!HoldInQuietHours(alert, now))
        {
            Enqueue(alert, targets, now);
        }
    }

    private void Enqueue(Alert alert, DateTimeOffset now) => Enqueue(alert, Targets(), now);

    private void Enqueue(Alert alert, IReadOnlyCollection<ChannelTarget> targets, DateTimeOffset now)
    {
        foreach (var target in targets)
        {
            Kept.Outbox.Add(new PendingDelivery(DeliveryId(alert, target.Channel), target.Channel, alert, now, 0, now));
        }

        LogRaised(logger, _account, alert.Kind, alert.CheckType, targets.Count);
    }

    /// <summary>
    /// Drops, and counts, the messages not delivered within <see cref="NotificationOptions.GiveUpAfter"/> and those of
    /// channels that are no longer configured (the account's settings or the deployment's defaults changed), which
    /// could never go and would keep the timer due.
    /// </summary>
    private bool DropUndeliverable(DateTimeOffset now)
    {
        var configured = Targets().Select(target => target.Channel).ToHashSet();
        var dropped = Kept.Outbox
            .Where(delivery => (now - delivery.QueuedAt > Options.GiveUpAfter && !IsInFlight(delivery)) || !configured.Contains(delivery.Channel))
            .ToList();
        foreach (var delivery in dropped)
        {
            Kept.Outbox.Remove(delivery);
            var counters = Counters(delivery.Channel);
            counters.Dropped++;
            if (configured.Contains(delivery.Channel))
            {
                LogGaveUp(logger, _account, delivery.Channel, delivery.Alert.Kind, delivery.Attempts, counters.LastError);
            }
            else
            {
                LogChannelGone(logger, _account, delivery.Channel, delivery.Alert.Kind);
            }
        }

        return dropped.Count > 0;
    }

    /// <summary>Forgets closed incidents after a while (the newest are kept to recognise repeats) and old openings.</summary>
    private bool Prune(DateTimeOffset now)
    {
        var forgotten = Kept.Incidents.Values
            .Where(incident => incident.EndedAt is not null)
            .OrderByDescending(incident => incident.EndedAt)
            .Where((incident, index) => index >= MaxClosedIncidents || incident.EndedAt < now - KeepClosedIncidents)
            .ToList();
        foreach (var incident in forgotten)
        {
            Kept.Incidents.Remove(incident.Id);
        }

        var changed = forgotten.Count > 0;
        foreach (var (key, end) in Kept.Announcements.ToList())
        {
            changed |= end < now - KeepClosedIncidents && Kept.Announcements.Remove(key);
        }

        foreach (var (key, message) in Kept.OutageMessages.ToList())
        {
            changed |= message.RaisedAt < now - KeepClosedIncidents && Kept.OutageMessages.Remove(key);
        }

        foreach (var (check, flaps) in Kept.Flaps.ToList())
        {
            changed |= flaps.Openings.RemoveAll(at => at < now - Options.FlapWindow) > 0;
            if (flaps.Openings.Count == 0 && !(flaps.MutedUntil > now))
            {
                Kept.Flaps.Remove(check);
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>Hands the first waiting message of each idle channel to the courier; a report that never came is given up on.</summary>
    private void Dispatch(DateTimeOffset now)
    {
        foreach (var (channel, flight) in _inFlight.ToList())
        {
            if (now - flight.Since > Options.DeliveryTimeout + LostReportGrace)
            {
                _inFlight.Remove(channel);
            }
        }

        foreach (var head in Heads())
        {
            if (_inFlight.ContainsKey(head.Channel) || head.NextAttemptAt > now || Target(head.Channel) is not { } target)
            {
                continue;
            }

            _inFlight[head.Channel] = new InFlight(head.Id, now);
            courier.Dispatch(this.GetPrimaryKeyString(), head.Id, head.Alert, target with { EditMessageId = EditableMessage(head.Alert, head.Channel) });
        }
    }

    private async Task ScheduleAsync(DateTimeOffset now)
    {
        if (NextDue(now) is not { } next)
        {
            _timer?.Dispose();
            _timer = null;
            if (_reminderRegistered)
            {
                var reminder = await this.GetReminder(ReminderName);
                if (reminder is not null)
                {
                    await this.UnregisterReminder(reminder);
                }

                _reminderRegistered = false;
            }

            return;
        }

        var due = next > now ? next - now : TimeSpan.Zero;
        if (_timer is null)
        {
            _timer = this.RegisterGrainTimer(
                static (grain, _) => grain.AdvanceAsync(changed: false),
                this,
                new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan, Interleave = false, KeepAlive = true });
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }

        if (!_reminderRegistered)
        {
            await this.RegisterOrUpdateReminder(ReminderName, Options.ReminderPeriod, Options.ReminderPeriod);
            _reminderRegistered = true;
        }
    }

    /// <summary>When something is next due: an alert, a retry, a report overdue, or the end of quiet hours holding alerts; null when nothing is pending.</summary>
    private DateTimeOffset? NextDue(DateTimeOffset now)
    {
        var next = NextSlowOrQuietDue(now);
        foreach (var incident in Kept.Incidents.Values.Where(incident => incident.EndedAt is null))
        {
            if (DueAt(incident) is { } due)
            {
                next = Earliest(next, due);
            }
        }

        foreach (var head in Heads())
        {
            next = Earliest(next, _inFlight.TryGetValue(head.Channel, out var flight)
                ? flight.Since + Options.DeliveryTimeout + LostReportGrace
                : head.NextAttemptAt);
        }

        return next;
    }

    private static DateTimeOffset Earliest(DateTimeOffset? current, DateTimeOffset candidate) =>
        current is { } known && known <= candidate ? known : candidate;

    private IEnumerable<PendingDelivery> Heads() => Kept.Outbox.GroupBy(delivery => delivery.Channel).Select(group => group.First());

    private bool IsInFlight(PendingDelivery delivery) =>
        _inFlight.TryGetValue(delivery.Channel, out var flight) && flight.DeliveryId == delivery.Id;

    private DateTimeOffset? MutedUntil(CheckType checkType) =>
        Kept.Flaps.TryGetValue(checkType, out var flaps) ? flaps.MutedUntil : null;

    /// <summary>Raises an outage's message on the given channels, each once; answers whether any was new.</summary>
    private bool RaiseOutage(Alert alert, IReadOnlyCollection<ChannelTarget> targets, DateTimeOffset now)
    {
        var fresh = targets.Where(target => Kept.OutageMessages.TryAdd(DeliveryId(alert, target.Channel), new OutageMessage { RaisedAt = now })).ToList();
        if (fresh.Count > 0)
        {
            Raise(alert, fresh, now);
        }

        return fresh.Count > 0;
    }

    /// <summary>
    /// The message an update of an outage edits on this channel: the outage's DOWN message, where the channel gave it an
    /// id (Telegram); null when the update must be a message of its own.
    /// </summary>
    private long? EditableMessage(Alert alert, NotificationChannel channel) =>
        alert.Kind == AlertKind.GroupUpdate && channel == NotificationChannel.Telegram
        && Kept.OutageMessages.TryGetValue(DeliveryId(alert with { Kind = AlertKind.GroupDown }, channel), out var down)
            ? down.MessageId
            : null;

    private Alert OutageAlert(AlertKind kind, PlatformOutage outage, DateTimeOffset at) => new(
        kind, _account, outage.CheckType, outage.Id, outage.Since, at,
        Count: kind == AlertKind.GroupRestored ? outage.Peak : outage.Affected, Total: outage.Total, Accounts: [.. outage.Accounts]);

    /// <summary>Asks the check's outage tracker whether a due DOWN belongs to an outage; when it cannot be asked, it does not.</summary>
    private async Task<OutageVerdict?> ClaimOutageAsync(TrackedIncident incident)
    {
        try
        {
            return await GrainFactory.GetGrain<IOutageGrain>(GrainKeys.Outage(incident.CheckType))
                .ClaimAsync(new OutageClaim(Member(incident), [.. Targets().Select(Fingerprint)]));
        }
        catch (Exception exception) when (exception is OrleansException or TimeoutException)
        {
            LogOutageUnreachable(logger, _account, incident.CheckType, exception.GetType().Name);
            return null;
        }
    }

    /// <summary>Tells the check's outage tracker an incident opened or closed; a lost message only weakens grouping.</summary>
    private async Task TellOutageAsync(TrackedIncident incident)
    {
        var tracker = GrainFactory.GetGrain<IOutageGrain>(GrainKeys.Outage(incident.CheckType));
        try
        {
            await (incident.EndedAt is { } endedAt ? tracker.LeaveAsync(Member(incident), endedAt) : tracker.JoinAsync(Member(incident)));
        }
        catch (Exception exception) when (exception is OrleansException or TimeoutException)
        {
            LogOutageUnreachable(logger, _account, incident.CheckType, exception.GetType().Name);
        }
    }

    private OutageMember Member(TrackedIncident incident) => new(_account, incident.Id, incident.StartedAt);

    /// <summary>
    /// A channel's fingerprint: the same for every account that delivers to the same place (a webhook URL and
    /// Mattermost channel, a set of recipients, a Telegram chat and topic), and no secret in it.
    /// </summary>
    private static string Fingerprint(ChannelTarget target)
    {
        var place = target.Channel switch
        {
            NotificationChannel.Email => string.Join(',', target.Recipients.Select(recipient => recipient.ToLowerInvariant()).Order(StringComparer.Ordinal)),
            NotificationChannel.Telegram => $"{target.Telegram?.ChatId}#{target.Telegram?.TopicId}",
            _ => $"{target.Url?.AbsoluteUri}#{target.MattermostChannel}",
        };
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{target.Channel.ToWireName()}|{place}")))[..32];
    }

    private ChannelCounters Counters(NotificationChannel channel)
    {
        if (!Kept.Channels.TryGetValue(channel, out var counters))
        {
            Kept.Channels[channel] = counters = new ChannelCounters();
        }

        return counters;
    }

    private TimeSpan RetryDelay(int attempt) =>
        TimeSpan.FromTicks((long)Math.Min(Options.RetryInitial.Ticks * Math.Pow(2, attempt - 1), Options.RetryMax.Ticks));

    private List<ChannelTarget> Targets() =>
        Enum.GetValues<NotificationChannel>().Select(Target).OfType<ChannelTarget>().ToList();

    /// <summary>Where a channel delivers now, from the account's settings and the deployment's defaults; null when it is off.</summary>
    private ChannelTarget? Target(NotificationChannel channel)
    {
        // Both were validated: the account's before it was stored, the deployment's at start-up.
        _ = NotificationRules.TryParseLanguage(_settings.Language ?? Options.Language, out var language);
        var zone = Options.ZoneOf(_settings);
        switch (channel)
        {
            case NotificationChannel.Mattermost:
                var mattermost = _settings.Mattermost;
                var url = mattermost is { Enabled: false } ? null : mattermost?.WebhookUrl ?? Options.Mattermost.WebhookUrl;
                // The deployment's default channel belongs to its default webhook, not to an account's own.
                var room = mattermost?.Channel ?? (mattermost?.WebhookUrl is null ? Options.Mattermost.Channel : null);
                return url is null ? null : new ChannelTarget(channel, language, new Uri(url), room, [], Zone: zone);
            case NotificationChannel.Email:
                return _settings.Email is { Recipients.Length: > 0 } email && Options.Smtp.Host is not null
                    ? new ChannelTarget(channel, language, null, null, email.Recipients, Zone: zone)
                    : null;
            case NotificationChannel.Webhook:
                return _settings.Webhook is { } webhook ? new ChannelTarget(channel, language, new Uri(webhook.Url), null, [], Zone: zone) : null;
            default:
                return _settings.Telegram is { } telegram && Options.Telegram.BotToken is not null
                    ? new ChannelTarget(channel, language, null, null, [], telegram, zone)
                    : null;
        }
    }

    /// <summary>A masked URL written back (as read from <see cref="GetSettingsAsync"/>) keeps the stored one.</summary>
    private NotificationSettings KeepMaskedSecrets(NotificationSettings requested) => requested with
    {
        Mattermost = requested.Mattermost is { WebhookUrl: { } url } mattermost
            && _settings.Mattermost?.WebhookUrl is { } storedUrl && url == NotificationRules.Mask(storedUrl)
                ? mattermost with { WebhookUrl = storedUrl }
                : requested.Mattermost,
        Webhook = requested.Webhook is { } webhook
            && _settings.Webhook?.Url is { } storedWebhook && webhook.Url == NotificationRules.Mask(storedWebhook)
                ? webhook with { Url = storedWebhook }
                : requested.Webhook,
    };

    private NotificationSettings Masked() => NotificationRules.MapSecrets(_settings, NotificationRules.Mask);

    private async Task<ChannelTestResult> TestAsync(Alert alert, ChannelTarget target)
    {
        var error = await courier.TrySendAsync(alert, target, DeliveryId(alert, target.Channel));
        return new ChannelTestResult(target.Channel, error is null, error);
    }

    private Alert ToAlert(TrackedIncident incident, AlertKind kind, DateTimeOffset at, int count = 0) =>
        new(kind, _account, incident.CheckType, incident.Id, incident.StartedAt, at, incident.HttpStatus, incident.ErrorCode, incident.Error, count);

    private static TrackedIncident Track(IncidentNotice notice, DateTimeOffset? endedAt) => new()
    {
        Id = notice.IncidentId,
        CheckType = notice.CheckType,
        StartedAt = notice.StartedAt,
        EndedAt = endedAt,
        HttpStatus = notice.HttpStatus,
        ErrorCode = notice.ErrorCode,
        Error = notice.Details,
        Maintenance = notice.Maintenance,
    };

    private static string DeliveryId(Alert alert, NotificationChannel channel) => $"{alert.Key}/{channel.ToWireName()}";

    /// <summary>A delivery handed to the courier and not reported yet.</summary>
    private readonly record struct InFlight(string DeliveryId, DateTimeOffset Since);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "{Account}: {Kind} alert for {CheckType} queued on {Channels} channel(s)")]
    private static partial void LogRaised(ILogger logger, string account, AlertKind kind, CheckType? checkType, int channels);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "{Account}: {Channel} delivered the {Kind} alert (try {Attempt})")]
    private static partial void LogDelivered(ILogger logger, string account, NotificationChannel channel, AlertKind kind, int attempt);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "{Account}: {Channel} could not deliver the {Kind} alert (try {Attempt}): {Error}; next try in {Wait}")]
    private static partial void LogDeliveryFailed(ILogger logger, string account, NotificationChannel channel, AlertKind kind, int attempt, string error, TimeSpan wait);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Error, Message = "{Account}: {Channel} gave up the {Kind} alert after {Attempts} tries; last error: {Error}")]
    private static partial void LogGaveUp(ILogger logger, string account, NotificationChannel channel, AlertKind kind, int attempts, string? error);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Warning, Message = "{Account}: {CheckType} is flapping ({Count} incidents within {Window}); its alerts are muted until {Until}")]
    private static partial void LogFlapping(ILogger logger, string account, CheckType checkType, int count, TimeSpan window, DateTimeOffset until);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Information, Message = "{Account}: notification settings changed (Mattermost {Mattermost}, email {Email}, webhook {Webhook}, Telegram {Telegram})")]
    private static partial void LogConfigured(ILogger logger, string account, bool mattermost, bool email, bool webhook, bool telegram);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Information, Message = "{Account}: the {CheckType} incident {IncidentId} opened during maintenance; it alerts nobody")]
    private static partial void LogMaintenanceIncident(ILogger logger, string account, CheckType checkType, long incidentId);

    [LoggerMessage(EventId = 5200, Level = LogLevel.Error, Message = "{Account}: {Channel} refused the {Kind} alert for good ({Error}); the alert is dropped and the channel marked failing until a delivery goes through")]
    private static partial void LogRefused(ILogger logger, string account, NotificationChannel channel, AlertKind kind, string error);

    [LoggerMessage(EventId = 7010, Level = LogLevel.Information, Message = "{Account}: the account was removed: its notifications stopped and its pending messages were dropped")]
    private static partial void LogStopped(ILogger logger, string account);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Warning, Message = "{Account}: the {CheckType} outage tracker could not be reached ({Reason}); the incident alerts on its own")]
    private static partial void LogOutageUnreachable(ILogger logger, string account, CheckType checkType, string reason);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Warning, Message = "{Account}: {Channel} is no longer configured; its {Kind} alert is dropped")]
    private static partial void LogChannelGone(ILogger logger, string account, NotificationChannel channel, AlertKind kind);
}
