using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Monitoring.Rollups;
using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AmoHub.Grains.Probes;

/// <summary>One probe result on its way to <c>health_checks</c>.</summary>
public sealed record HealthCheckRecord(string Account, CheckType CheckType, CheckResult Result);

/// <summary>
/// Appends probe results to <c>health_checks</c> in batches: a probe hands its result over and goes on, and
/// one writer turns whatever has queued up into a single multi-row INSERT. The same transaction adds the batch
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

        // On SQLite the raw INSERT takes the database's write lock before the rollups are read, so the
        // read-modify-write below runs alone; on MySQL the rollup rows are locked as they are read.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await InsertAsync(connection, transaction, batch, cancellationToken);
        var rollups = new RollupBatch();
        foreach (var record in batch)
        {
            rollups.Add(record.Account, record.CheckType, record.Result);
        }

        await HealthRollupStore.MergeAsync(connection, transaction, _database.Provider, rollups, cancellationToken);
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
