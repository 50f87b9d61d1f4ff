using AmoHub.Grains.Interfaces.Maintenance;

namespace AmoHub.WebApi.StatusPage;

/// <summary>A maintenance window: amoCRM or AmoHub is being worked on from <see cref="StartsAt"/> to <see cref="EndsAt"/>.</summary>
public sealed record MaintenanceWindow(DateTimeOffset StartsAt, DateTimeOffset EndsAt, string? Note);

/// <summary>
/// Where the status page learns of maintenance windows active now, to show a banner above the account's checks: the
/// page shows what every registered source answers. AmoHub's own windows (<c>/api/maintenance</c>) are
/// <see cref="ScheduledMaintenance"/>.
/// </summary>
public interface IMaintenanceSource
{
    /// <summary>The windows of <paramref name="account"/> that have begun and not ended at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<MaintenanceWindow>> ActiveAsync(string account, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>The maintenance windows of <c>/api/maintenance</c>, as the platform's <see cref="IMaintenanceGrain"/> keeps them.</summary>
public sealed class ScheduledMaintenance(IClusterClient client) : IMaintenanceSource
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<MaintenanceWindow>> ActiveAsync(string account, DateTimeOffset now, CancellationToken cancellationToken) =>
        await client.GetGrain<IMaintenanceGrain>(IMaintenanceGrain.Key).ActiveAsync(account, now) is { } period
            ? [new MaintenanceWindow(period.Start, period.End, period.Reason)]
            : [];
}
