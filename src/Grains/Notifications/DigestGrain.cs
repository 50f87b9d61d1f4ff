using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AmoHub.Grains.Notifications;

/// <summary>What a digest grain keeps: when its schedule started, and the occurrence of the last digest it sent.</summary>
[GenerateSerializer, Alias("amohub.DigestState")]
public sealed class DigestState
{
    /// <summary>When the account's schedule started; no occurrence before it is sent. Null until started, and after a stop.</summary>
    [Id(0)]
    public DateTimeOffset? Since { get; set; }

    /// <summary>The occurrence (the end of the week) of the last scheduled digest handed to the notifier.</summary>
    [Id(1)]
    public DateTimeOffset? LastSent { get; set; }
}

/// <summary>
/// Sends one account's weekly digest, apart from its notifier: on every tick of its reminder (period
/// <see cref="NotificationOptions.ReminderPeriod"/>, so a digest goes out within that of its time) it reads the account's
/// settings from the notifier, asks <see cref="DigestSchedule"/> whether an occurrence is due, computes the week's
/// figures from the statistics (<see cref="IMonitoringQueryGrain.GetStatsAsync"/>, maintenance left out) and hands them
/// to the notifier, whose outbox, retries and channels deliver them. The occurrence sent is stored after the notifier
/// took it, and the notifier itself queues a week once, so a restart in between sends nothing twice.
/// </summary>
public sealed partial class DigestGrain(
    [PersistentState("digest", StorageNames.Default)] IPersistentState<DigestState> state,
    TimeProvider time,
    IOptions<NotificationOptions> options,
    ILogger<DigestGrain> logger) : Grain, IDigestGrain, IRemindable
{
    private const string ReminderName = "digest";

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

        var period = options.Value.ReminderPeriod;
        await this.RegisterOrUpdateReminder(ReminderName, period, period);
    }

    /// <inheritdoc />
    public async Task<DigestSent> SendNowAsync()
    {
        var (_, _, zone) = DigestSchedule.Resolve(await Notifier.GetSettingsAsync(), options.Value);
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

        var (enabled, cron, zone) = DigestSchedule.Resolve(await Notifier.GetSettingsAsync(), options.Value);
        if (!enabled || DigestSchedule.Due(cron, zone, time.GetUtcNow(), since, state.State.LastSent) is not { } due)
        {
            return;
        }

        var report = await ComposeAsync(due, zone, scheduled: true);
        var channels = await Notifier.RaiseDigestAsync(report);
        state.State.LastSent = due;
        await state.WriteStateAsync();
        LogSent(logger, _account, report.From, report.To, channels.Length);
    }

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

    [LoggerMessage(EventId = 7131, Level = LogLevel.Information, Message = "{Account}: a digest of {From} to {To} was asked for and queued on {Channels} channel(s)")]
    private static partial void LogSentNow(ILogger logger, string account, DateTimeOffset from, DateTimeOffset to, int channels);
}
