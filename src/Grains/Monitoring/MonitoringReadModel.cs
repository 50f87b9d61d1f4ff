using System.Data.Common;
using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Monitoring.Rollups;
using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Storage;

namespace AmoHub.Grains.Monitoring;

/// <summary>An incident's check and times (unix ms), as statistics need them.</summary>
public sealed record IncidentSpan(string CheckType, long Start, long? End);

/// <summary>
/// The monitoring tables' queries: <c>check_results</c> (raw results), <c>health_rollups</c> and <c>incidents</c>.
/// Every query names the account and its check types, so it runs on the (account, check_type, …) keys; raw results
/// are keyed by the account's id in <c>check_accounts</c> and hold the check type and status as their enum values.
/// Times are unix milliseconds.
/// </summary>
public sealed class MonitoringReadModel(AmoHubDatabase database)
{
    private const string ResultColumns = "id, timestamp, check_type, status, response_time, http_status, error_code, error_message";

    /// <summary>The raw results of <c>@account</c> whose check type is one of <c>{0}</c>.</summary>
    private const string ResultsOfAccount = "account_id = (SELECT id FROM check_accounts WHERE account = @account) AND check_type IN ({0})";

    /// <summary>A page of the results in [<paramref name="from"/>, <paramref name="to"/>], newest first, and how many there are.</summary>
    public async Task<(long Total, IReadOnlyList<StoredCheckResult> Results)> PageResultsAsync(
        string account, IReadOnlyList<string> checkTypes, long from, long to, long offset, int limit)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        const string where = ResultsOfAccount + " AND timestamp >= @from AND timestamp <= @to";
        var codes = Codes(checkTypes);
        var total = await CountAsync(connection, "check_results", where, account, codes, from, to);
        await using var command = Command(connection, $"SELECT {ResultColumns} FROM check_results WHERE {where} ORDER BY timestamp DESC, id DESC LIMIT @limit OFFSET @offset",
            account, codes, from, to);
        command.With("@limit", limit).With("@offset", offset);
        return (total, await ReadResultsAsync(command));
    }

    /// <summary>
    /// Up to <paramref name="limit"/> results of one check in [<paramref name="from"/>, <paramref name="to"/>] after
    /// the cursor, oldest first, in the order of the (account, check_type, timestamp, id) key.
    /// </summary>
    public async Task<IReadOnlyList<StoredCheckResult>> ResultsAfterAsync(
        string account, string checkType, long from, long to, ExportCursor? after, int limit)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        var afterClause = after is null ? "" : " AND timestamp >= @afterTimestamp AND (timestamp > @afterTimestamp OR id > @afterId)";
        await using var command = Command(connection,
            $"SELECT {ResultColumns} FROM check_results WHERE {ResultsOfAccount} AND timestamp >= @from AND timestamp <= @to{afterClause} ORDER BY timestamp, id LIMIT @limit",
            account, Codes([checkType]), from, to);
        command.With("@limit", limit);
        if (after is not null)
        {
            command.With("@afterTimestamp", after.Timestamp).With("@afterId", after.Id);
        }

        return await ReadResultsAsync(command);
    }

    /// <summary>
    /// A page of rollup points of one resolution with bucket starts in [<paramref name="from"/>, <paramref name="to"/>),
    /// newest first; each point's p95 is read from its stored histogram in place.
    /// </summary>
    public async Task<(long Total, IReadOnlyList<RollupPoint> Points)> PageRollupsAsync(
        string account, IReadOnlyList<string> checkTypes, RollupResolution resolution, long from, long to, long offset, int limit)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        const string where = "account = @account AND check_type IN ({0}) AND resolution = @resolution AND bucket_start >= @from AND bucket_start < @to";
        var total = await CountAsync(connection, "health_rollups", where, account, checkTypes, from, to, resolution);
        await using var command = Command(connection,
            $"SELECT check_type, bucket_start, {HealthRollupStore.CellColumns} FROM health_rollups WHERE {where} ORDER BY bucket_start DESC, check_type LIMIT @limit OFFSET @offset",
            account, checkTypes, from, to);
        command.With("@resolution", resolution.Code()).With("@limit", limit).With("@offset", offset);
        await using var reader = await command.ExecuteReaderAsync();
        var points = new List<RollupPoint>();
        while (await reader.ReadAsync())
        {
            var (count, down) = (reader.GetLong(2), reader.GetLong(5));
            points.Add(new RollupPoint(
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetLong(1)),
                reader.GetString(0),
                count,
                (double)reader.GetLong(6) / count,
                (int)reader.GetLong(7),
                (int)reader.GetLong(8),
                LatencyHistogram.PercentileOfEncoded((byte[])reader.GetValue(9), count, 95) ?? 0,
                (count - down) * 100.0 / count,
                reader.GetLong(3),
                reader.GetLong(4),
                down));
        }

        return (total, points);
    }

    /// <summary>The rollups of the segments (each its own resolution and bucket range) added up per check type.</summary>
    public async Task<IReadOnlyDictionary<string, RollupCell>> SumRollupsAsync(
        string account, IReadOnlyList<string> checkTypes, IReadOnlyList<RollupSegment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var sums = new Dictionary<string, RollupCell>();
        if (segments.Count == 0)
        {
            return sums;
        }

        await using var connection = await database.OpenAsync(CancellationToken.None);
        var selects = segments.Select((_, i) =>
            $"SELECT check_type, {HealthRollupStore.CellColumns} FROM health_rollups WHERE account = @account AND check_type IN ({{0}}) AND resolution = @r{i} AND bucket_start >= @f{i} AND bucket_start < @t{i}");
        await using var command = Command(connection, string.Join(" UNION ALL ", selects), account, checkTypes, null, null);
        for (var i = 0; i < segments.Count; i++)
        {
            command.With($"@r{i}", segments[i].Resolution.Code()).With($"@f{i}", segments[i].From).With($"@t{i}", segments[i].To);
        }

        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var checkType = reader.GetString(0);
            if (!sums.TryGetValue(checkType, out var sum))
            {
                sum = new RollupCell();
                sums.Add(checkType, sum);
            }

            HealthRollupStore.AddCell(reader, 1, sum);
        }

        return sums;
    }

    /// <summary>
    /// The incidents that overlap [<paramref name="from"/>, <paramref name="to"/>): started before its end, not ended
    /// before its start; without those that opened during maintenance when <paramref name="excludeMaintenance"/>.
    /// </summary>
    public async Task<IReadOnlyList<IncidentSpan>> IncidentSpansAsync(string account, IReadOnlyList<string> checkTypes, long from, long to, bool excludeMaintenance = false)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = Command(connection,
            "SELECT check_type, start_time, end_time FROM incidents WHERE account = @account AND check_type IN ({0}) AND start_time < @to AND (end_time IS NULL OR end_time > @from)"
                + (excludeMaintenance ? " AND maintenance = 0" : ""),
            account, checkTypes, from, to);
        await using var reader = await command.ExecuteReaderAsync();
        var spans = new List<IncidentSpan>();
        while (await reader.ReadAsync())
        {
            spans.Add(new IncidentSpan(reader.GetString(0), reader.GetLong(1), reader.GetNullableLong(2)));
        }

        return spans;
    }

    /// <summary>Up to <paramref name="limit"/> incidents overlapping [<paramref name="from"/>, <paramref name="to"/>) with an id above <paramref name="afterId"/>, by id.</summary>
    public async Task<IReadOnlyList<StoredIncident>> IncidentsAfterAsync(
        string account, IReadOnlyList<string> checkTypes, long from, long to, long afterId, int limit)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = Command(connection,
            "SELECT id, check_type, start_time, end_time, duration, details, error_code, http_status, acknowledged_at, acknowledged_by FROM incidents " +
            "WHERE account = @account AND check_type IN ({0}) AND start_time < @to AND (end_time IS NULL OR end_time > @from) AND id > @afterId ORDER BY id LIMIT @limit",
            account, checkTypes, from, to);
        command.With("@afterId", afterId).With("@limit", limit);
        await using var reader = await command.ExecuteReaderAsync();
        var incidents = new List<StoredIncident>();
        while (await reader.ReadAsync())
        {
            incidents.Add(new StoredIncident(
                reader.GetLong(0),
                reader.GetString(1),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetLong(2)),
                Time(reader.GetNullableLong(3)),
                reader.GetNullableLong(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                (int?)reader.GetNullableLong(7),
                Time(reader.GetNullableLong(8)),
                reader.IsDBNull(9) ? null : reader.GetString(9)));
        }

        return incidents;
    }

    /// <summary>The stored values (<see cref="CheckType"/>'s) of check types given by their wire names.</summary>
    private static IReadOnlyList<object> Codes(IReadOnlyList<string> checkTypes) =>
        checkTypes.Select(name => CheckTypes.TryParse(name, out var checkType)
            ? (object)(int)checkType
            : throw new ArgumentException($"'{name}' is not a check type.", nameof(checkTypes))).ToList();

    /// <summary>A command whose text has <c>{0}</c> replaced by the check types' parameters, with the account and range bound.</summary>
    private static DbCommand Command(DbConnection connection, string sql, string account, IReadOnlyList<object> checkTypes, long? from, long? to)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql.Replace("{0}", string.Join(", ", checkTypes.Select((_, i) => $"@k{i}")), StringComparison.Ordinal);
        command.With("@account", account);
        for (var i = 0; i < checkTypes.Count; i++)
        {
            command.With($"@k{i}", checkTypes[i]);
        }

        if (from is not null)
        {
            command.With("@from", from).With("@to", to);
        }

        return command;
    }

    private static async Task<long> CountAsync(
        DbConnection connection, string table, string where, string account, IReadOnlyList<object> checkTypes, long from, long to,
        RollupResolution? resolution = null)
    {
        await using var command = Command(connection, $"SELECT COUNT(*) FROM {table} WHERE {where}", account, checkTypes, from, to);
        if (resolution is { } value)
        {
            command.With("@resolution", value.Code());
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<IReadOnlyList<StoredCheckResult>> ReadResultsAsync(DbCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync();
        var results = new List<StoredCheckResult>();
        while (await reader.ReadAsync())
        {
            results.Add(new StoredCheckResult(
                reader.GetLong(0),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetLong(1)),
                ((CheckType)reader.GetLong(2)).ToWireName(),
                ((HealthStatus)reader.GetLong(3)).ToWireName(),
                (int)reader.GetLong(4),
                (int?)reader.GetNullableLong(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return results;
    }

    private static DateTimeOffset? Time(long? unixMs) => unixMs is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;
}
