using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Maintenance;
using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Monitoring.Rollups;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace AmoHub.Grains.Monitoring;

/// <summary>Answers the API's history, statistics and export reads, on whichever silo the call lands.</summary>
[StatelessWorker]
public sealed class MonitoringQueryGrain(MonitoringReadModel readModel, IOptions<MonitoringSettings> settings) : Grain, IMonitoringQueryGrain
{
    private static readonly int[] StatsPercentiles = [50, 95, 99];

    /// <inheritdoc />
    public async Task<HistoryPage> GetHistoryAsync(HistoryRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (account, checkTypes, from, to) = Normalize(request.Range);
        var offset = (request.Page - 1L) * request.PageSize;
        if (RollupResolutions.ForHistory(request.Resolution) is not { } resolution)
        {
            var (total, results) = await readModel.PageResultsAsync(account, checkTypes, from, to, offset, request.PageSize);
            return Page(request, account, request.Range.From, total, results, null);
        }

        var start = resolution.Floor(from);
        var (count, buckets) = await readModel.PageRollupsAsync(
            account, checkTypes, resolution, start, resolution.Floor(to) + resolution.Length(), offset, request.PageSize);
        return Page(request, account, DateTimeOffset.FromUnixTimeMilliseconds(start), count, null, buckets);
    }

    /// <inheritdoc />
    public async Task<StatsAnswer> GetStatsAsync(MonitoringRange range)
    {
        ArgumentNullException.ThrowIfNull(range);
        var (account, checkTypes, requestedFrom, now) = Normalize(range);
        var from = RangePlan.AlignStart(requestedFrom, now, settings.Value);
        var end = RollupResolution.Minute.Floor(now) + RollupResolution.Minute.Length();
        var parts = range.ExcludeMaintenance ? await OutsideMaintenanceAsync(account, from, end) : [(from, end)];
        var cells = await readModel.SumRollupsAsync(account, checkTypes, [.. parts.SelectMany(part => RangePlan.Cover(part.From, part.To))]);
        var incidents = await readModel.IncidentSpansAsync(account, checkTypes, from, now, range.ExcludeMaintenance);
        // The time the figures cover: the range less the minutes left out for maintenance.
        var covered = now - from - ((end - from) - parts.Sum(part => part.To - part.From));
        var checks = checkTypes
            .Where(checkType => range.CheckType is not null || cells.ContainsKey(checkType) || incidents.Any(i => i.CheckType == checkType))
            .Select(checkType => Stats(checkType, cells.GetValueOrDefault(checkType) ?? new RollupCell(), incidents.Where(i => i.CheckType == checkType).ToList(), from, now, covered))
            .ToList();
        return new StatsAnswer(account, DateTimeOffset.FromUnixTimeMilliseconds(from), range.To, checks);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredCheckResult>> ReadResultsAsync(MonitoringRange range, ExportCursor? after, int limit)
    {
        ArgumentNullException.ThrowIfNull(range);
        if (range.CheckType is not { } checkType)
        {
            throw new ArgumentException("Results are read one check at a time: name the check type.", nameof(range));
        }

        return readModel.ResultsAfterAsync(
            AccountName.Normalize(range.Account), checkType.ToWireName(), range.From.ToUnixTimeMilliseconds(), range.To.ToUnixTimeMilliseconds(), after, limit);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredIncident>> ReadIncidentsAsync(MonitoringRange range, long afterId, int limit)
    {
        ArgumentNullException.ThrowIfNull(range);
        var (account, checkTypes, from, to) = Normalize(range);
        return readModel.IncidentsAfterAsync(account, checkTypes, from, to, afterId, limit);
    }

    private static (string Account, IReadOnlyList<string> CheckTypes, long From, long To) Normalize(MonitoringRange range) =>
        (AccountName.Normalize(range.Account),
            range.CheckType is { } one ? [one.ToWireName()] : CheckTypes.All.Select(c => c.ToWireName()).ToList(),
            range.From.ToUnixTimeMilliseconds(),
            range.To.ToUnixTimeMilliseconds());

    private static HistoryPage Page(
        HistoryRequest request, string account, DateTimeOffset from, long total, IReadOnlyList<StoredCheckResult>? results, IReadOnlyList<RollupPoint>? buckets) =>
        new(account, request.Resolution.ToWireName(), from, request.Range.To, request.Page, request.PageSize, total, results, buckets);

    /// <summary>The parts of [<paramref name="from"/>, <paramref name="end"/>) outside the account's maintenance periods.</summary>
    private async Task<IReadOnlyList<(long From, long To)>> OutsideMaintenanceAsync(string account, long from, long end)
    {
        var periods = await GrainFactory.GetGrain<IMaintenanceGrain>(IMaintenanceGrain.Key)
            .PeriodsAsync(account, DateTimeOffset.FromUnixTimeMilliseconds(from), DateTimeOffset.FromUnixTimeMilliseconds(end));
        return RangePlan.Without(from, end, periods.Select(period => (period.Start.ToUnixTimeMilliseconds(), period.End.ToUnixTimeMilliseconds())));
    }

    private static CheckStats Stats(string checkType, RollupCell cell, IReadOnlyList<IncidentSpan> incidents, long from, long now, long covered)
    {
        var percentiles = cell.Histogram.Percentiles(StatsPercentiles);
        var downtime = incidents.Sum(i => Math.Min(i.End ?? now, now) - Math.Max(i.Start, from));
        var closed = incidents.Where(i => i.End is not null).ToList();
        var empty = cell.Total == 0;
        return new CheckStats(
            checkType,
            cell.Total,
            Percent(cell.Total - cell.Down, cell.Total),
            Percent(cell.Up, cell.Total),
            cell.Down,
            cell.Warning,
            empty ? null : (double)cell.ResponseTimeSum / cell.Total,
            empty ? null : cell.ResponseTimeMin,
            empty ? null : cell.ResponseTimeMax,
            percentiles[0],
            percentiles[1],
            percentiles[2],
            incidents.Count,
            downtime,
            closed.Count == 0 ? null : (long)Math.Round(closed.Average(i => (double)(i.End!.Value - i.Start))),
            incidents.Count == 0 ? null : Math.Max(0, covered - downtime) / incidents.Count);
    }

    private static double? Percent(long part, long whole) => whole == 0 ? null : part * 100.0 / whole;
}
