using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Monitoring.Rollups;
using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AmoHub.Grains.Probes;

/// <summary>One probe result on its way to <c>check_results</c>.</summary>
public sealed record HealthCheckRecord(string Account, CheckType CheckType, CheckResult Result);

/// <summary>
/// Appends probe results to <c>check_results</c> in batches: a probe hands its result over and goes on, and
/// one writer turns whatever has queued up into a single multi-row INSERT, each row keyed by the account's id in
/// <c>check_accounts</c> and an id of its own from <c>check_result_ids</c>. The same transaction adds the batch
/// to its minute, hour and day rows of <c>health_rollups</c> (see <see cref="HealthRollupStore"/>), so rollups
/// always hold exactly the results that were written. A failed write is retried whole with back-off; results
/// queue meanwhile, up to <c>capacity</c> (200,000: ten minutes of 20,000 checks a minute); past it the oldest
/// queued results give way to new ones, and every one given up is counted (<see cref="Dropped"/> and the
/// <c>amohub.probe.results_dropped</c> metric) and logged. On shutdown the queue is drained.
/// </summary>
public sealed partial class HealthCheckLog : BackgroundService
{
    private const int MaxBatch = 500;

    /// <summary>After the first dropped result, a warning for every this many more.</summary>
    private const int DropsPerWarning = 10_000;

    private readonly AmoHubDatabase _database;
    private readonly ILogger<HealthCheckLog> _logger;
    private readonly int _capacity;
    private readonly Channel<HealthCheckRecord> _queue;
    private readonly ConcurrentDictionary<string, int> _accountIds = new(StringComparer.Ordinal);
    private long _dropped;

    /// <summary>Creates the log; <paramref name="capacity"/> results may wait for the database.</summary>
    public HealthCheckLog(AmoHubDatabase database, ILogger<HealthCheckLog> logger, int capacity = 200_000)
    {
        _database = database;
        _logger = logger;
        _capacity = capacity;
        _queue = Channel.CreateBounded<HealthCheckRecord>(
            new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest },
            OnDropped);
    }

    /// <summary>Results given up because the queue was full (the database unreachable or too slow for too long).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues a result; never blocks the probe.</summary>
    public void Append(HealthCheckRecord record)
    {
        if (!_queue.Writer.TryWrite(record))
        {
            LogNotQueued(_logger, record.Account, record.CheckType);
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<HealthCheckRecord>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var record))
            {
                batch.Add(record);
            }

            await WriteAsync(batch, stoppingToken);
            batch.Clear();
        }
    }

    /// <summary>
    /// Writes a batch of results and their rollups in one transaction, retrying with back-off until it is written
    /// or <paramref name="stoppingToken"/> is cancelled (then the batch is dropped and logged).
    /// </summary>
    public async Task WriteAsync(IReadOnlyList<HealthCheckRecord> batch, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                await WriteOnceAsync(batch, CancellationToken.None);
                return;
            }
            catch (DbException exception)
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    LogDropped(_logger, exception, batch.Count);
                    return;
                }

                LogRetry(_logger, exception, batch.Count, delay);
                try
                {
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    // Shutting down: one last attempt happens on the next loop turn.
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private async Task WriteOnceAsync(IReadOnlyList<HealthCheckRecord> batch, CancellationToken cancellationToken)
    {
        await using var write = await _database.OpenWriteAsync(cancellationToken);
        var connection = write.Connection;
        await RegisterAccountsAsync(connection, batch, cancellationToken);

        // On SQLite the id counter's UPDATE takes the database's write lock before the rollups are read, so the
        // read-modify-write below runs alone; on MySQL the counter row and the rollup rows are locked as they are
        // touched, the counter first in every writer.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var firstId = await TakeIdsAsync(connection, transaction, batch.Count, cancellationToken);
        await InsertAsync(connection, transaction, batch, firstId, cancellationToken);
        var rollups = new RollupBatch();
        foreach (var record in batch)
        {
            rollups.Add(record.Account, record.CheckType, record.Result);
        }

        await HealthRollupStore.MergeAsync(connection, transaction, _database.Provider, rollups, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Gives every account of the batch that this log has not seen yet its row in <c>check_accounts</c>, committed on
    /// its own (an id, once given, stays), and remembers the ids.
    /// </summary>
    private async Task RegisterAccountsAsync(DbConnection connection, IReadOnlyList<HealthCheckRecord> batch, CancellationToken cancellationToken)
    {
        var missing = batch.Select(record => record.Account).Where(account => !_accountIds.ContainsKey(account)).Distinct().ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var ignore = _database.Provider == StorageProvider.MySql ? "INSERT IGNORE" : "INSERT OR IGNORE";
        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText = $"{ignore} INTO check_accounts (account) VALUES {string.Join(", ", missing.Select((_, i) => $"(@a{i})"))}";
            for (var i = 0; i < missing.Count; i++)
            {
                insert.With($"@a{i}", missing[i]);
            }

            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT account, id FROM check_accounts WHERE account IN ({string.Join(", ", missing.Select((_, i) => $"@a{i}"))})";
        for (var i = 0; i < missing.Count; i++)
        {
            select.With($"@a{i}", missing[i]);
        }

        // MySQL compares accounts without regard to case, as it did in health_checks: each name takes the row it matched.
        var comparison = _database.Provider == StorageProvider.MySql ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var (stored, id) = (reader.GetString(0), (int)reader.GetLong(1));
            foreach (var account in missing.Where(account => string.Equals(account, stored, comparison)))
            {
                _accountIds[account] = id;
            }
        }
    }

    /// <summary>Takes <paramref name="count"/> ids from <c>check_result_ids</c> in the caller's transaction; returns the first.</summary>
    private static async Task<long> TakeIdsAsync(DbConnection connection, DbTransaction transaction, int count, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE check_result_ids SET next_id = next_id + @count; SELECT next_id - @count FROM check_result_ids";
        command.With("@count", count);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private async Task InsertAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<HealthCheckRecord> batch, long firstId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var sql = new StringBuilder(
            "INSERT INTO check_results (account_id, check_type, timestamp, id, status, response_time, http_status, error_code, error_message) VALUES ");
        for (var i = 0; i < batch.Count; i++)
        {
            var (account, checkType, result) = batch[i];
            sql.Append(CultureInfo.InvariantCulture,
                $"{(i == 0 ? "" : ",")}({_accountIds[account]},{(int)checkType},{result.Timestamp.ToUnixTimeMilliseconds()},{firstId + i},{(int)result.Status},{result.ResponseTimeMs},@h{i},@x{i},@e{i})");
            command.With($"@h{i}", result.HttpStatus);
            command.With($"@x{i}", result.ErrorCode);
            command.With($"@e{i}", Truncate(result.ErrorMessage, 500));
        }

        command.CommandText = sql.ToString();
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private void OnDropped(HealthCheckRecord record)
    {
        var dropped = Interlocked.Increment(ref _dropped);
        ProbeMetrics.RecordDropped(record.Account, record.CheckType);
        if (dropped % DropsPerWarning == 1)
        {
            LogQueueFull(_logger, _capacity, record.Account, record.CheckType, dropped);
        }
    }

    private static string? Truncate(string? text, int length) =>
        text is null || text.Length <= length ? text : text[..length];

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Writing {Count} health check results failed; retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, Exception exception, int count, TimeSpan delay);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Shutting down with the database unreachable: {Count} health check results were not written")]
    private static partial void LogDropped(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning,
        Message = "{Capacity} health check results are waiting to be written: the oldest, of {Account}/{CheckType}, was given up ({Dropped} given up so far)")]
    private static partial void LogQueueFull(ILogger logger, int capacity, string account, CheckType checkType, long dropped);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Debug, Message = "A result of {Account}/{CheckType} arrived after shutdown began and was not recorded")]
    private static partial void LogNotQueued(ILogger logger, string account, CheckType checkType);
}
