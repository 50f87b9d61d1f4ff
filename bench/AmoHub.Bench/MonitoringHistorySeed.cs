using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Monitoring;
using AmoHub.Grains.Monitoring.Rollups;
using AmoHub.Grains.Probes;
using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AmoHub.Bench;

/// <summary>
/// Writes 30 days of probe history (every check twice a minute) straight into AmoHub's database. The measured
/// account's results go through AmoHub's own result writer (raw rows and their rollups in one transaction); the
/// other accounts get only their rollups, built by the same code, and minute rollups only for the days the
/// retention keeps them (7): the statistics and history reads never touch those accounts' raw rows.
/// </summary>
public sealed class MonitoringHistorySeed(AmoHubDatabase database, DateTimeOffset now)
{
    /// <summary>Days of history.</summary>
    public const int Days = 30;

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    /// <summary>Results written as raw rows.</summary>
    public long RawResults { get; private set; }

    /// <summary>Results represented in rollups.</summary>
    public long RolledUpResults { get; private set; }

    /// <summary>The account whose raw results are written too, with incidents.</summary>
    public async Task SeedMeasuredAccountAsync(string account)
    {
        var log = new HealthCheckLog(database, NullLogger<HealthCheckLog>.Instance);
        var batch = new List<HealthCheckRecord>(500);
        foreach (var record in Results(account, seed: 1))
        {
            batch.Add(record);
            if (batch.Count == 500)
            {
                await log.WriteAsync(batch, CancellationToken.None);
                RawResults += batch.Count;
                batch.Clear();
            }
        }

        await log.WriteAsync(batch, CancellationToken.None);
        RawResults += batch.Count;
        RolledUpResults += RawResults;
        await SeedIncidentsAsync(account);
    }

    /// <summary>An account with rollups only.</summary>
    public async Task SeedRollupsAsync(string account, int seed)
    {
        var minutesFrom = now.AddDays(-7);
        IReadOnlyList<RollupResolution> hoursAndDays = [RollupResolution.Hour, RollupResolution.Day];
        foreach (var day in Results(account, seed).Chunk(24 * 120 * CheckTypes.All.Count))
        {
            var rollups = new RollupBatch();
            foreach (var record in day)
            {
                rollups.Add(record.Account, record.CheckType, record.Result, record.Result.Timestamp >= minutesFrom ? RollupResolutions.All : hoursAndDays);
            }

            await using var connection = await database.OpenAsync(CancellationToken.None);
            await using var transaction = await connection.BeginTransactionAsync();
            await HealthRollupStore.MergeAsync(connection, transaction, database.Provider, rollups, CancellationToken.None);
            await transaction.CommitAsync();
            RolledUpResults += day.Length;
        }
    }

    /// <summary>Deletes what the retention would have deleted by now (the measured account's old minute rollups).</summary>
    public Task PurgeAsync() =>
        new RetentionPurge(database, Options.Create(new MonitoringSettings { PurgePause = TimeSpan.Zero }), TimeProvider.System, NullLogger<RetentionPurge>.Instance)
            .PurgeAsync(CancellationToken.None);

    /// <summary>Rows of a table.</summary>
    public async Task<long> CountAsync(string table)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Every check every 30 s for 30 days: mostly fast, a long tail, 2% warnings, 1% down.</summary>
    private IEnumerable<HealthCheckRecord> Results(string account, int seed)
    {
        var random = new Random(seed);
        var start = now.AddDays(-Days);
        for (var at = start; at < now; at += Interval)
        {
            foreach (var checkType in CheckTypes.All)
            {
                var timestamp = at.AddMilliseconds(((int)checkType * 3_000) + random.Next(1_000));
                var roll = random.Next(100);
                var latency = (int)(90 + (random.NextDouble() * 120) + (-Math.Log(1 - random.NextDouble()) * 150));
                yield return new HealthCheckRecord(account, checkType, roll switch
                {
                    < 97 => new CheckResult(timestamp, HealthStatus.Up, latency, 200, null),
                    < 99 => new CheckResult(timestamp, HealthStatus.Warning, latency + 3_000, 200, "slow", CheckErrorCodes.Slow),
                    _ => new CheckResult(timestamp, HealthStatus.Down, random.Next(10_000), 502, "Bad gateway", CheckErrorCodes.ServerError),
                });
            }
        }
    }

    /// <summary>An incident of some check every ~36 hours, 5-60 minutes long; the last one still open.</summary>
    private async Task SeedIncidentsAsync(string account)
    {
        var random = new Random(2);
        await using var connection = await database.OpenAsync(CancellationToken.None);
        for (var start = now.AddDays(-Days).AddHours(5); start < now; start = start.AddHours(36))
        {
            var end = start.AddMinutes(random.Next(5, 60));
            var open = start.AddHours(36) >= now;
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO incidents (account, check_type, start_time, end_time, duration, details) VALUES (@a, @c, @s, @e, @d, 'seeded')";
            command.With("@a", account)
                .With("@c", CheckTypes.All[random.Next(CheckTypes.All.Count)].ToWireName())
                .With("@s", start.ToUnixTimeMilliseconds())
                .With("@e", open ? null : end.ToUnixTimeMilliseconds())
                .With("@d", open ? null : (long)(end - start).TotalMilliseconds);
            await command.ExecuteNonQueryAsync();
        }
    }
}
