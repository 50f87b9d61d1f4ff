using System.Collections.Immutable;
using Orleans.Concurrency;

namespace AmoHub.Grains.Interfaces.Maintenance;

/// <summary>
/// A maintenance window as it is asked for: for one account or, with <see cref="Account"/> null, for all; one-off
/// (<see cref="From"/> to <see cref="To"/>) or recurring (a five-field <see cref="Cron"/> in the IANA
/// <see cref="TimeZone"/>, each occurrence lasting <see cref="Duration"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.MaintenanceRequest")]
public sealed record MaintenanceRequest(
    [property: Id(0)] string? Account,
    [property: Id(1)] DateTimeOffset? From,
    [property: Id(2)] DateTimeOffset? To,
    [property: Id(3)] string? Cron,
    [property: Id(4)] string? TimeZone,
    [property: Id(5)] TimeSpan? Duration,
    [property: Id(6)] string? Reason);

/// <summary>A stored maintenance window: the request, with its id (<c>mw-…</c>) and when it was made.</summary>
[GenerateSerializer, Immutable, Alias("amohub.MaintenanceWindow")]
public sealed record MaintenanceWindow(
    [property: Id(0)] string Id,
    [property: Id(1)] MaintenanceRequest Request,
    [property: Id(2)] DateTimeOffset CreatedAt);

/// <summary>The answer to a create: the stored window, or the problems by field (nothing was stored).</summary>
[GenerateSerializer, Immutable, Alias("amohub.MaintenanceUpdate")]
public sealed record MaintenanceUpdate(
    [property: Id(0)] MaintenanceWindow? Window,
    [property: Id(1)] IReadOnlyDictionary<string, string[]> Errors);

/// <summary>One occurrence of a window: the whole of a one-off window, or one run of a recurring one.</summary>
[GenerateSerializer, Immutable, Alias("amohub.MaintenancePeriod")]
public sealed record MaintenancePeriod(
    [property: Id(0)] string WindowId,
    [property: Id(1)] DateTimeOffset Start,
    [property: Id(2)] DateTimeOffset End,
    [property: Id(3)] string? Reason);

/// <summary>
/// The deployment's maintenance windows, all in one grain (they are few and read together): key
/// <see cref="Key"/>. It answers whether an account is in maintenance at an instant (probes ask when a check goes
/// down, to mark the incident), and announces each occurrence's start and end to the notifiers of the accounts it
/// covers, on a timer kept across restarts by a reminder.
/// </summary>
public interface IMaintenanceGrain : IGrainWithStringKey
{
    /// <summary>The only key of this grain.</summary>
    const string Key = "maintenance:windows";

    /// <summary>Validates and stores a window; answers it, or the errors by field.</summary>
    Task<MaintenanceUpdate> CreateAsync(MaintenanceRequest request);

    /// <summary>The windows, those of <paramref name="account"/> and those for all when an account is given.</summary>
    [ReadOnly]
    Task<ImmutableArray<MaintenanceWindow>> ListAsync(string? account);

    /// <summary>
    /// Deletes a window; false when there is none. An occurrence under way is announced as ended, and a one-off window
    /// under way is ended now rather than forgotten, so statistics still leave its past out.
    /// </summary>
    Task<bool> DeleteAsync(string id);

    /// <summary>The occurrences covering <paramref name="account"/> that overlap [<paramref name="since"/>, <paramref name="until"/>), by start.</summary>
    [ReadOnly]
    Task<ImmutableArray<MaintenancePeriod>> PeriodsAsync(string account, DateTimeOffset since, DateTimeOffset until);

    /// <summary>The occurrence covering <paramref name="account"/> at <paramref name="at"/>, or null.</summary>
    [ReadOnly]
    Task<MaintenancePeriod?> ActiveAsync(string account, DateTimeOffset at);
}
