namespace AmoHub.WebApi.StatusPage;

/// <summary>A maintenance window: amoCRM or AmoHub is being worked on from <see cref="StartsAt"/> to <see cref="EndsAt"/>.</summary>
public sealed record MaintenanceWindow(DateTimeOffset StartsAt, DateTimeOffset EndsAt, string? Note);

/// <summary>
/// Where the status page learns of maintenance windows active now, to show a banner above the account's checks.
/// AmoHub schedules none of its own yet: with no source registered the page has no banner; the feature that keeps
/// maintenance windows registers its source (<c>services.AddSingleton&lt;IMaintenanceSource, …&gt;()</c>) and the
/// page shows what every registered source answers.
/// </summary>
public interface IMaintenanceSource
{
    /// <summary>The windows of <paramref name="account"/> that have begun and not ended at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<MaintenanceWindow>> ActiveAsync(string account, DateTimeOffset now, CancellationToken cancellationToken);
}
