using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using AmoHub.Grains.Monitoring;
using AmoHub.ServiceDefaults.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AmoHub.Grains.Persistence;

/// <summary>One probe result on its way to <c>health_checks</c>.</summary>
public sealed record HealthCheckRecord(string Account, CheckType CheckType, CheckResult Result);

/// <summary>
/// Appends probe results to <c>health_checks</c> in batches: a probe hands its result over and goes on, and
/// one writer turns whatever has queued up into a single multi-row INSERT. The same transaction adds the batch
/// to its minute, hour and day rows of <c>health_rollups</c> (see <see cref="HealthRollupStore"/>), so rollups
/// always hold exactly the results that were written. A failed write is retried whole with back-off; results
/// queue (bounded) meanwhile. On shutdown the queue is drained.
/// </summary>
public sealed partial class HealthCheckLog(AmoHubDatabase database, ILogger<HealthCheckLog> logger) : BackgroundService
{
    private const int MaxBatch = 500;
    private const int Capacity = 200_000;

    private readonly Channel<HealthCheckRecord> _queue = Channel.CreateBounded<HealthCheckRecord>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });

    /// <summary>Queues a result; never blocks the probe.</summary>
    public void Append(HealthCheckRecord record)
    {
        if (!_queue.Writer.TryWrite(record))
        {
            LogNotQueued(logger, record.Account, record.CheckType);
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
                    LogDropped(logger, exception, batch.Count);
                    return;
                }

                LogRetry(logger, exception, batch.Count, delay);
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
        await using var write = await database.OpenWriteAsync(cancellationToken);
        var connection = write.Connection;

        // On SQLite the raw INSERT takes the database's write lock before the rollups are read, so the
        // read-modify-write below runs alone; on MySQL the rollup rows are locked as they are read.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await InsertAsync(connection, transaction, batch, cancellationToken);
        var rollups = new RollupBatch();
        foreach (var record in batch)
        {
            rollups.Add(record);
        }

        await HealthRollupStore.MergeAsync(connection, transaction, database.Provider, rollups, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task InsertAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<HealthCheckRecord> batch, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var sql = new StringBuilder(
            "INSERT INTO health_checks (account, check_type, timestamp, status, response_time, http_status, error_message, error_code) VALUES ");
        for (var i = 0; i < batch.Count; i++)
        {
            var (account, checkType, result) = batch[i];
            sql.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ",")}(@a{i},@c{i},@t{i},@s{i},@r{i},@h{i},@e{i},@x{i})");
            command.With($"@a{i}", account);
            command.With($"@c{i}", checkType.ToWireName());
            command.With($"@t{i}", result.Timestamp.ToUnixTimeMilliseconds());
            command.With($"@s{i}", result.Status.ToWireName());
            command.With($"@r{i}", result.ResponseTimeMs);
            command.With($"@h{i}", result.HttpStatus);
            command.With($"@e{i}", Truncate(result.ErrorMessage, 500));
            command.With($"@x{i}", result.ErrorCode);
        }

        command.CommandText = sql.ToString();
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string? Truncate(string? text, int length) =>
        text is null || text.Length <= length ? text : text[..length];

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Writing {Count} health check results failed; retrying in {Delay}")]
    private static partial void LogRetry(ILogger logger, Exception exception, int count, TimeSpan delay);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Shutting down with the database unreachable: {Count} health check results were not written")]
    private static partial void LogDropped(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Debug, Message = "A result of {Account}/{CheckType} arrived after shutdown began and was not recorded")]
    private static partial void LogNotQueued(ILogger logger, string account, CheckType checkType);
}
