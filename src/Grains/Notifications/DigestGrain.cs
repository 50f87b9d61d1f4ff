using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Storage;
using Cronos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AmoHub.Grains.Notifications;

/// <summary>
/// What a digest grain keeps: when its schedule started, the occurrence of the last digest it sent, and the occurrence
/// its reminder is set for.
/// </summary>
[GenerateSerializer, Alias("amohub.DigestState")]
public sealed class DigestState
{
    /// <summary>When the account's schedule started; no occurrence before it is sent. Null until started, and after a stop.</summary>
    [Id(0)]
    public DateTimeOffset? Since { get; set; }

    /// <summary>The occurrence (the end of the week) of the last scheduled digest handed to the notifier.</summary>
    [Id(1)]
    public DateTimeOffset? LastSent { get; set; }

    /// <summary>The occurrence the reminder is set to wake the grain at; null when no reminder is set (digests off).</summary>
    [Id(2)]
    public DateTimeOffset? WakeAt { get; set; }
}

/// <summary>
/// Sends one account's weekly digest, apart from its notifier. Its reminder is set for the schedule's next occurrence,
/// so an account costs nothing between digests: when it fires, the grain reads the account's settings from the
/// notifier, asks <see cref="DigestSchedule"/> whether an occurrence is due, computes the week's figures from the
/// statistics (<see cref="IMonitoringQueryGrain.GetStatsAsync"/>, maintenance left out), hands them to the notifier,
/// whose outbox, retries and channels deliver them, and sets the reminder for the occurrence after. The notifier tells
/// it when the settings change; the account registry starts it at every start of the silo, which sends a digest missed
/// while AmoHub was down (see <see cref="DigestSchedule.MaxLateness"/>). A wake that fails is tried again every
/// <see cref="RetryPeriod"/>, the reminder's period. The occurrence sent is stored after the notifier took it, and the
/// notifier itself queues a week once, so a restart in between sends nothing twice.
/// </summary>
public sealed partial class DigestGrain(
    [PersistentState("digest", StorageNames.Default)] IPersistentState<DigestState> state,
    TimeProvider time,
    IOptions<NotificationOptions> options,
    ILogger<DigestGrain> logger) : Grain, IDigestGrain, IRemindable
{
    private const string ReminderName = "digest";

    /// <summary>The reminder's period: how soon a wake that failed (the notifier or the statistics unreachable) is tried again.</summary>
    public static readonly TimeSpan RetryPeriod = TimeSpan.FromHours(1);

    private string _account = "";

    private INotifierGrain Notifier => GrainFactory.GetGrain<INotifierGrain>(GrainKeys.Notifier(_account));

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _account = GrainKeys.AccountOf(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StartAsync()
    {
        if (state.State.Since is null)
        {
            state.State.Since = time.GetUtcNow();
            await state.WriteStateAsync();
        }

        await PlanAsync(Resolve(await Notifier.GetSettingsAsync()));
    }

    /// <inheritdoc />
    public async Task SettingsChangedAsync()
    {
        if (state.State.Since is not null)
        {
            await PlanAsync(Resolve(await Notifier.GetSettingsAsync()));
        }
    }

    /// <inheritdoc />
    public async Task<DigestSent> SendNowAsync()
    {
        var (_, _, zone) = Resolve(await Notifier.GetSettingsAsync());
        var report = await ComposeAsync(time.GetUtcNow(), zone, scheduled: false);
        var channels = await Notifier.RaiseDigestAsync(report);
        LogSentNow(logger, _account, report.From, report.To, channels.Length);
        return new DigestSent(report, channels);
    }

    /// <inheritdoc />
    public async Task StopAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        await state.ClearStateAsync();
        DeactivateOnIdle();
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Since is not { } since)
        {
            return;
        }

        var schedule = Resolve(await Notifier.GetSettingsAsync());
        if (schedule.Enabled && DigestSchedule.Due(schedule.Cron, schedule.Zone, time.GetUtcNow(), since, state.State.LastSent) is { } due)
        {
            var report = await ComposeAsync(due, schedule.Zone, scheduled: true);
            var channels = await Notifier.RaiseDigestAsync(report);
            state.State.LastSent = due;
            await state.WriteStateAsync();
            LogSent(logger, _account, report.From, report.To, channels.Length);
        }

        await PlanAsync(schedule, woken: true);
    }

    private (bool Enabled, CronExpression Cron, TimeZoneInfo Zone) Resolve(NotificationSettings settings) =>
        DigestSchedule.Resolve(settings, options.Value);

    /// <summary>
    /// Sets the reminder for when the grain next has work: now when an occurrence is due and not sent, else the next
    /// occurrence; removes it when digests are off. The reminder and the state are written only when that time changed,
    /// or when the reminder has just fired (Orleans moved its next tick a period on, so it is set again).
    /// </summary>
    private async Task PlanAsync((bool Enabled, CronExpression Cron, TimeZoneInfo Zone) schedule, bool woken = false)
    {
        var now = time.GetUtcNow();
        var wakeAt = !schedule.Enabled
            ? (DateTimeOffset?)null
            : DigestSchedule.Due(schedule.Cron, schedule.Zone, now, state.State.Since!.Value, state.State.LastSent) is not null
                ? now
                : DigestSchedule.Next(schedule.Cron, schedule.Zone, Later(now, state.State.LastSent));
        if (wakeAt == state.State.WakeAt && !woken && (wakeAt is null || wakeAt > now))
        {
            return;
        }

        if (wakeAt is { } at)
        {
            var dueIn = at > now ? at - now : TimeSpan.Zero;
            await this.RegisterOrUpdateReminder(ReminderName, dueIn, RetryPeriod);
        }
        else if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        state.State.WakeAt = wakeAt;
        await state.WriteStateAsync();
        LogPlanned(logger, _account, wakeAt);
    }

    private static DateTimeOffset Later(DateTimeOffset now, DateTimeOffset? lastSent) => lastSent > now ? lastSent.Value : now;

    /// <summary>The figures of each check of the account over the week ending at <paramref name="to"/>, maintenance left out.</summary>
    private async Task<DigestReport> ComposeAsync(DateTimeOffset to, TimeZoneInfo zone, bool scheduled)
    {
        var from = DigestSchedule.WeekStart(to, zone);
        var stats = await GrainFactory.GetGrain<IMonitoringQueryGrain>(0)
            .GetStatsAsync(new MonitoringRange(_account, from, to, null, ExcludeMaintenance: true));
        var checks = stats.Checks
            .Select(check => (Stats: check, Known: CheckTypes.TryParse(check.CheckType, out var type), Type: type))
            .Where(check => check.Known)
            .Select(check => new DigestCheck(
                check.Type,
                check.Stats.TotalChecks,
                check.Stats.Uptime,
                check.Stats.P95,
                check.Stats.IncidentCount,
                TimeSpan.FromMilliseconds(check.Stats.TotalDowntime),
                check.Stats.Mttr is { } mttr ? TimeSpan.FromMilliseconds(mttr) : null));
        return new DigestReport(from, to, [.. checks], scheduled);
    }

    [LoggerMessage(EventId = 7130, Level = LogLevel.Information, Message = "{Account}: the weekly digest of {From} to {To} was queued on {Channels} channel(s)")]
    private static partial void LogSent(ILogger logger, string account, DateTimeOffset from, DateTimeOffset to, int channels);

    [LoggerMessage(EventId = 7150, Level = LogLevel.Debug, Message = "{Account}: the digest's next wake is {WakeAt} (none: digests are off)")]
    private static partial void LogPlanned(ILogger logger, string account, DateTimeOffset? wakeAt);

    [LoggerMessage(EventId = 7131, Level = LogLevel.Information, Message = "{Account}: a digest of {From} to {To} was asked for and queued on {Channels} channel(s)")]
    private static partial void LogSentNow(ILogger logger, string account, DateTimeOffset from, DateTimeOffset to, int channels);
}
