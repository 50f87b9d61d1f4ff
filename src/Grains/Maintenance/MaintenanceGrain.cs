using System.Collections.Immutable;
using System.Security.Cryptography;
using AmoHub.Grains.Interfaces.Accounts;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Maintenance;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Storage;
using Microsoft.Extensions.Logging;

namespace AmoHub.Grains.Maintenance;

/// <summary>
/// The deployment's maintenance windows (key <see cref="IMaintenanceGrain.Key"/>). One grain holds them all: they
/// are few, a probe asks only when a check goes down, and one place to announce from means each occurrence is
/// announced by one silo of a cluster. A grain timer wakes it at the next start or end of an occurrence and tells
/// the notifiers of the accounts covered; the <c>maintenance</c> reminder brings it back after a restart or failover
/// while any window is stored, and the announcements made are kept in state, so each is made once (the notifier
/// recognises a repeat too).
/// </summary>
public sealed partial class MaintenanceGrain(
    [PersistentState("maintenance", StorageNames.Default)] IPersistentState<MaintenanceState> state,
    TimeProvider time,
    ILogger<MaintenanceGrain> logger) : Grain, IMaintenanceGrain, IRemindable
{
    private const string ReminderName = "maintenance";
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan KeepEnded = TimeSpan.FromDays(7);

    private IGrainTimer? _timer;

    private MaintenanceState Kept => state.State;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken) => AdvanceAsync(changed: false);

    /// <inheritdoc />
    public async Task<MaintenanceUpdate> CreateAsync(MaintenanceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var normalized = MaintenanceRules.Normalize(request);
        var errors = MaintenanceRules.Validate(normalized, now);
        if (errors.Count == 0 && Kept.Windows.Count >= MaintenanceRules.MaxWindows)
        {
            errors["from"] = [$"no more than {MaintenanceRules.MaxWindows} windows can be kept; delete one first."];
        }

        if (errors.Count > 0)
        {
            return new MaintenanceUpdate(null, errors);
        }

        var window = new MaintenanceWindow($"mw-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}", normalized, now);
        Kept.Windows.Add(window);
        LogCreated(logger, window.Id, normalized.Account ?? "*", normalized.Cron is null ? "one-off" : "recurring");
        await AdvanceAsync(changed: true);
        return new MaintenanceUpdate(window, new Dictionary<string, string[]>());
    }

    /// <inheritdoc />
    public Task<ImmutableArray<MaintenanceWindow>> ListAsync(string? account) =>
        Task.FromResult(Kept.Windows.Where(window => Covers(window, account)).ToImmutableArray());

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string id)
    {
        var window = Kept.Windows.Find(candidate => candidate.Id == id);
        if (window is null)
        {
            return false;
        }

        var now = time.GetUtcNow();
        if (MaintenanceSchedule.Covering(window, now) is { } current && Kept.Announced.ContainsKey(EdgeKey(current, ended: false)))
        {
            await AnnounceAsync(window, current with { End = now }, ended: true, now);
        }

        // A one-off window deleted under way ends now and stays (a week) for the statistics that leave maintenance out.
        var index = Kept.Windows.IndexOf(window);
        if (window.Request is { From: { } from, To: { } to } && from < now && now < to)
        {
            Kept.Windows[index] = window with { Request = window.Request with { To = now } };
        }
        else
        {
            Kept.Windows.RemoveAt(index);
        }

        LogDeleted(logger, id);
        await AdvanceAsync(changed: true);
        return true;
    }

    /// <inheritdoc />
    public Task<ImmutableArray<MaintenancePeriod>> PeriodsAsync(string account, DateTimeOffset since, DateTimeOffset until) =>
        Task.FromResult(Kept.Windows
            .Where(window => Covers(window, account))
            .SelectMany(window => MaintenanceSchedule.Overlapping(window, since, until))
            .OrderBy(period => period.Start)
            .ToImmutableArray());

    /// <inheritdoc />
    public Task<MaintenancePeriod?> ActiveAsync(string account, DateTimeOffset at) =>
        Task.FromResult(Kept.Windows
            .Where(window => Covers(window, account))
            .Select(window => MaintenanceSchedule.Covering(window, at))
            .OfType<MaintenancePeriod>()
            .MaxBy(period => period.End));

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status) => AdvanceAsync(changed: false);

    /// <summary>
    /// Announces the starts and ends due, forgets old announcements and long-ended one-off windows, stores any
    /// change, and sets the timer for the next start or end. Every entry point ends here.
    /// </summary>
    private async Task AdvanceAsync(bool changed)
    {
        var now = time.GetUtcNow();
        foreach (var window in Kept.Windows.ToList())
        {
            if (MaintenanceSchedule.Covering(window, now) is { } current && !Kept.Announced.ContainsKey(EdgeKey(current, ended: false)))
            {
                changed |= await AnnounceAsync(window, current, ended: false, now);
            }

            if (MaintenanceSchedule.LastEnded(window, now) is { } ended
                && Kept.Announced.ContainsKey(EdgeKey(ended, ended: false))
                && !Kept.Announced.ContainsKey(EdgeKey(ended, ended: true)))
            {
                changed |= await AnnounceAsync(window, ended, ended: true, now);
            }
        }

        changed |= Kept.Windows.RemoveAll(window => window.Request.To is { } to && to < now - KeepEnded) > 0;
        foreach (var (key, end) in Kept.Announced.ToList())
        {
            changed |= end < now - KeepEnded && Kept.Announced.Remove(key);
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }

        await ScheduleAsync(now);
    }

    /// <summary>Tells the notifier of every account the window covers; false when the accounts could not be read (tried again later).</summary>
    private async Task<bool> AnnounceAsync(MaintenanceWindow window, MaintenancePeriod period, bool ended, DateTimeOffset now)
    {
        IEnumerable<string> accounts;
        if (window.Request.Account is { } account)
        {
            accounts = [account];
        }
        else
        {
            try
            {
                accounts = (await GrainFactory.GetGrain<IAccountRegistryGrain>(IAccountRegistryGrain.Key).ListAsync()).Select(found => found.Subdomain);
            }
            catch (Exception exception) when (exception is OrleansException or TimeoutException)
            {
                LogAccountsUnknown(logger, window.Id, exception.GetType().Name);
                return false;
            }
        }

        var told = 0;
        foreach (var subdomain in accounts)
        {
            GrainFactory.GetGrain<INotifierGrain>(GrainKeys.Notifier(subdomain)).AnnounceMaintenanceAsync(period, ended).Ignore();
            told++;
        }

        Kept.Announced[EdgeKey(period, ended)] = ended ? now : period.End;
        LogAnnounced(logger, window.Id, ended ? "end" : "start", period.Start, told);
        return true;
    }

    private async Task ScheduleAsync(DateTimeOffset now)
    {
        var next = Kept.Windows.Select(window => MaintenanceSchedule.NextEdge(window, now)).OfType<DateTimeOffset>().DefaultIfEmpty().Min();
        _timer?.Dispose();
        _timer = next == default ? null : this.RegisterGrainTimer(
            static (grain, _) => grain.AdvanceAsync(changed: false),
            this,
            new GrainTimerCreationOptions(next > now ? next - now : TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = false, KeepAlive = true });

        var reminder = await this.GetReminder(ReminderName);
        if (Kept.Windows.Count > 0 && reminder is null)
        {
            await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod);
        }
        else if (Kept.Windows.Count == 0 && reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private static bool Covers(MaintenanceWindow window, string? account) =>
        account is null || window.Request.Account is null || window.Request.Account == account;

    private static string EdgeKey(MaintenancePeriod period, bool ended) =>
        $"{period.WindowId}@{period.Start.ToUnixTimeMilliseconds()}:{(ended ? "end" : "start")}";

    [LoggerMessage(EventId = 5210, Level = LogLevel.Information, Message = "Maintenance window {Window} created for {Account} ({Kind})")]
    private static partial void LogCreated(ILogger logger, string window, string account, string kind);

    [LoggerMessage(EventId = 5211, Level = LogLevel.Information, Message = "Maintenance window {Window} deleted")]
    private static partial void LogDeleted(ILogger logger, string window);

    [LoggerMessage(EventId = 5212, Level = LogLevel.Information, Message = "Maintenance window {Window}: the {Edge} of the period from {Start} announced to {Accounts} account(s)")]
    private static partial void LogAnnounced(ILogger logger, string window, string edge, DateTimeOffset start, int accounts);

    [LoggerMessage(EventId = 5213, Level = LogLevel.Warning, Message = "Maintenance window {Window}: the accounts could not be read ({Reason}); the announcement is tried again")]
    private static partial void LogAccountsUnknown(ILogger logger, string window, string reason);
}

/// <summary>The stored windows and the announcements made (by edge, with when they may be forgotten).</summary>
[GenerateSerializer, Alias("amohub.MaintenanceState")]
public sealed class MaintenanceState
{
    /// <summary>The windows, oldest first.</summary>
    [Id(0)]
    public List<MaintenanceWindow> Windows { get; set; } = [];

    /// <summary>The starts and ends announced, by window, period start and edge.</summary>
    [Id(1)]
    public Dictionary<string, DateTimeOffset> Announced { get; set; } = [];
}
