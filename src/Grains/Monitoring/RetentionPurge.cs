using System.Data.Common;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Monitoring.Rollups;
using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AmoHub.Grains.Monitoring;

/// <summary>How many rows one purge pass deleted.</summary>
public sealed record PurgeCounts(long RawResults, long MinuteRollups, long HourRollups, long DayRollups, long Incidents);

/// <summary>
/// Deletes monitoring data past its retention (<see cref="MonitoringSettings"/>): raw results, minute, hour and day
/// rollups, and incidents that closed before the day rollups' horizon. Each DELETE takes at most
/// <see cref="MonitoringSettings.PurgeBatchSize"/> rows, with a pause after a full one, so the result writer never
/// waits long for the table: raw results and rollups along their (account, check, …, time) keys, a hundred accounts
/// of <c>check_accounts</c> at a time, so neither needs an index by time; incidents the oldest first through their
/// time index. Every silo runs it; two passes at once only find less to delete (a failed pass is logged and the next
/// one goes on).
/// </summary>
public sealed partial class RetentionPurge(
    AmoHubDatabase database, IOptions<MonitoringSettings> options, TimeProvider time, ILogger<RetentionPurge> logger) : BackgroundService
{
    /// <summary>Accounts whose raw results or rollups one DELETE takes.</summary>
    private const int AccountsPerDelete = 100;

    /// <summary>Every check type as <c>check_results</c> stores it, and as <c>health_rollups</c> does.</summary>
    private static readonly string CheckCodes = string.Join(", ", CheckTypes.All.Select(checkType => (int)checkType));

    private static readonly string CheckNames = string.Join(", ", CheckTypes.All.Select(checkType => $"'{checkType.ToWireName()}'"));

    private readonly MonitoringSettings _settings = options.Value;

    /// <summary>One pass: deletes everything past its retention, a bounded batch at a time.</summary>
    public async Task<PurgeCounts> PurgeAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        long Before(TimeSpan retention) => (now - retention).ToUnixTimeMilliseconds();

        var raw = 0L;
        var rollups = new long[RollupResolutions.All.Count];
        foreach (var accounts in (await CheckAccountsAsync(cancellationToken)).Chunk(AccountsPerDelete))
        {
            raw += await DeleteAllAsync(
                AlongKey("check_results", "account_id, check_type, timestamp, id", $"{Accounts("account_id", accounts.Length)} AND check_type IN ({CheckCodes}) AND timestamp < @before"),
                null, Before(_settings.RawRetention), null, cancellationToken, [.. accounts.Select(account => (object)account.Id)]);
            foreach (var resolution in RollupResolutions.All)
            {
                rollups[(int)resolution] += await DeleteAllAsync(
                    AlongKey("health_rollups", "account, check_type, resolution, bucket_start",
                        $"{Accounts("account", accounts.Length)} AND check_type IN ({CheckNames}) AND resolution = @resolution AND bucket_start < @before"),
                    null, Before(_settings.RetentionOf(resolution)), resolution.Code(), cancellationToken, [.. accounts.Select(account => (object)account.Name)]);
            }
        }

        // SQLite does not enforce the notes' ON DELETE CASCADE unless a connection asks for it: delete them first.
        const string closedLongAgo = "start_time < @before AND end_time IS NOT NULL AND end_time < @before";
        var notes = database.Provider == StorageProvider.Sqlite
            ? $"DELETE FROM incident_notes WHERE incident_id IN (SELECT id FROM incidents WHERE {closedLongAgo} ORDER BY start_time LIMIT @limit)"
            : null;
        var incidents = await DeleteAllAsync(
            Bounded("incidents", "id", closedLongAgo, "start_time"), notes, Before(_settings.DayRollupRetention), null, cancellationToken);

        var counts = new PurgeCounts(raw, rollups[0], rollups[1], rollups[2], incidents);
        if (raw + rollups.Sum() + incidents > 0)
        {
            LogPurged(logger, counts.RawResults, counts.MinuteRollups, counts.HourRollups, counts.DayRollups, counts.Incidents);
        }

        return counts;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first pass soon after start, so a deployment that restarts often still purges.
        await Task.Delay(TimeSpan.FromTicks(Math.Min(_settings.PurgeInterval.Ticks, TimeSpan.FromMinutes(1).Ticks)), time, stoppingToken);
        using var timer = new PeriodicTimer(_settings.PurgeInterval, time);
        do
        {
            try
            {
                await PurgeAsync(stoppingToken);
            }
            catch (DbException exception)
            {
                LogFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>The accounts that have results or rollups (or had), by id and name.</summary>
    private async Task<List<(long Id, string Name)>> CheckAccountsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, account FROM check_accounts ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var accounts = new List<(long, string)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            accounts.Add((reader.GetLong(0), reader.GetString(1)));
        }

        return accounts;
    }

    /// <summary>
    /// A DELETE of at most <c>@limit</c> rows matching <paramref name="where"/>, found along the table's primary key
    /// (<paramref name="key"/>, which <paramref name="where"/> narrows from its first column on).
    /// </summary>
    private string AlongKey(string table, string key, string where) =>
        database.Provider == StorageProvider.MySql
            ? $"DELETE FROM {table} WHERE {where} LIMIT @limit"
            : $"DELETE FROM {table} WHERE ({key}) IN (SELECT {key} FROM {table} WHERE {where} LIMIT @limit)";

    /// <summary>The condition on the first column of a key: one of the accounts <c>@a0</c>….</summary>
    private static string Accounts(string column, int count) =>
        $"{column} IN ({string.Join(", ", Enumerable.Range(0, count).Select(i => $"@a{i}"))})";

    /// <summary>A DELETE of at most <c>@limit</c> rows matching <paramref name="where"/>, the first by <paramref name="order"/>.</summary>
    private string Bounded(string table, string rowKey, string where, string order) =>
        database.Provider == StorageProvider.MySql
            ? $"DELETE FROM {table} WHERE {where} ORDER BY {order} LIMIT @limit"
            : $"DELETE FROM {table} WHERE {rowKey} IN (SELECT {rowKey} FROM {table} WHERE {where} ORDER BY {order} LIMIT @limit)";

    private async Task<long> DeleteAllAsync(
        string delete, string? deleteFirst, long before, string? resolution, CancellationToken cancellationToken, IReadOnlyList<object>? accounts = null)
    {
        var total = 0L;
        while (true)
        {
            int deleted;
            await using (var write = await database.OpenWriteAsync(cancellationToken))
            {
                var connection = write.Connection;
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                if (deleteFirst is not null)
                {
                    await ExecuteAsync(connection, transaction, deleteFirst, before, resolution, null, cancellationToken);
                }

                deleted = await ExecuteAsync(connection, transaction, delete, before, resolution, accounts, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            total += deleted;
            if (deleted < _settings.PurgeBatchSize)
            {
                return total;
            }

            await Task.Delay(_settings.PurgePause, time, cancellationToken);
        }
    }

    private async Task<int> ExecuteAsync(
        DbConnection connection, DbTransaction transaction, string sql, long before, string? resolution, IReadOnlyList<object>? accounts,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.With("@before", before).With("@limit", _settings.PurgeBatchSize);
        if (resolution is not null)
        {
            command.With("@resolution", resolution);
        }

        if (accounts is not null)
        {
            for (var i = 0; i < accounts.Count; i++)
            {
                command.With($"@a{i}", accounts[i]);
            }
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information,
        Message = "Retention purge deleted {Raw} results, {Minutes} minute, {Hours} hour and {Days} day rollups, {Incidents} incidents")]
    private static partial void LogPurged(ILogger logger, long raw, long minutes, long hours, long days, long incidents);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "A retention purge pass failed; the next pass goes on")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
