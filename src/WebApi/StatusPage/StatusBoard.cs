using AmoHub.Grains.Interfaces.Accounts;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.WebApi.StatusPage;

/// <summary>One UTC day of one check: how many results, and how many of them were down.</summary>
public sealed record DayUptime(DateOnly Day, long Count, long Down)
{
    /// <summary>The share of results not down, 0-100; null on a day without results.</summary>
    public double? Uptime => Count == 0 ? null : 100.0 * (Count - Down) / Count;
}

/// <summary>
/// One check as the status page shows it: its debounced status and the code of its reason (never the raw error),
/// since when it holds, and its last <see cref="StatusBoard.Days"/> UTC days, oldest first.
/// </summary>
public sealed record CheckBoard(CheckType CheckType, HealthStatus Status, string? Reason, int? HttpStatus, IReadOnlyList<DayUptime> Days)
{
    /// <summary>The share of the days' results not down, 0-100; null without results.</summary>
    public double? Uptime
    {
        get
        {
            var count = Days.Sum(day => day.Count);
            return count == 0 ? null : 100.0 * (count - Days.Sum(day => day.Down)) / count;
        }
    }
}

/// <summary>An open incident as the status page shows it: which check, since when and the code of its reason.</summary>
public sealed record OpenOutage(CheckType CheckType, DateTimeOffset StartedAt, string? Reason, int? HttpStatus);

/// <summary>One account's part of the status page.</summary>
public sealed record AccountBoard(
    string Account,
    bool Sandbox,
    IReadOnlyList<CheckBoard> Checks,
    IReadOnlyList<OpenOutage> Outages,
    IReadOnlyList<MaintenanceWindow> Maintenance);

/// <summary>
/// Reads what the status page shows from the same grains as the dashboard's API: each running check's status, the
/// open incidents and the day rollups of the last <see cref="Days"/> days, plus the maintenance windows the
/// registered <see cref="IMaintenanceSource"/>s know of. It keeps only codes and numbers: no raw error, URL or id
/// reaches the page.
/// </summary>
public sealed class StatusBoard(IClusterClient client, IEnumerable<IMaintenanceSource> maintenance, TimeProvider time)
{
    /// <summary>How many days the uptime bars cover, today included.</summary>
    public const int Days = 30;

    /// <summary>The boards of <paramref name="accounts"/>, in their order.</summary>
    public async Task<IReadOnlyList<AccountBoard>> ReadAsync(IReadOnlyList<AccountDefinition> accounts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var now = time.GetUtcNow();
        return await Task.WhenAll(accounts.Select(account => ReadAsync(account, now, cancellationToken)));
    }

    private async Task<AccountBoard> ReadAsync(AccountDefinition account, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var subdomain = account.Subdomain;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var from = new DateTimeOffset(today.AddDays(1 - Days).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var statuses = Task.WhenAll(CheckTypes.All.Select(checkType =>
            client.GetGrain<IProbeGrain>(GrainKeys.Probe(subdomain, checkType)).GetStatusAsync()));
        var history = client.GetGrain<IMonitoringQueryGrain>(0).GetHistoryAsync(new HistoryRequest(
            new MonitoringRange(subdomain, from, now, null), HistoryResolution.Day, 1, (Days + 1) * CheckTypes.All.Count));
        var incidents = client.GetGrain<IIncidentsGrain>(IIncidentsGrain.Key).ListAsync(subdomain, 100, null, null, openOnly: true);
        var windows = Task.WhenAll(maintenance.Select(source => source.ActiveAsync(subdomain, now, cancellationToken)));
        await Task.WhenAll(statuses, history, incidents, windows);

        var buckets = (await history).Buckets ?? [];
        var checks = (await statuses)
            .Where(status => status.Enabled)
            .Select(status =>
            {
                var wire = status.CheckType.ToWireName();
                var days = Enumerable.Range(0, Days).Select(offset =>
                {
                    var day = today.AddDays(offset + 1 - Days);
                    var bucket = buckets.FirstOrDefault(point => point.CheckType == wire && DateOnly.FromDateTime(point.BucketStart.UtcDateTime) == day);
                    return new DayUptime(day, bucket?.Count ?? 0, bucket?.Down ?? 0);
                }).ToList();
                return new CheckBoard(status.CheckType, status.Status, status.Reason, status.LastResult?.HttpStatus, days);
            })
            .ToList();
        var outages = (await incidents)
            .OrderBy(incident => incident.StartedAt)
            .Select(incident => new OpenOutage(incident.CheckType, incident.StartedAt, incident.ErrorCode, incident.HttpStatus))
            .ToList();
        return new AccountBoard(subdomain, account.IsSandbox, checks, outages, [.. (await windows).SelectMany(found => found)]);
    }
}
