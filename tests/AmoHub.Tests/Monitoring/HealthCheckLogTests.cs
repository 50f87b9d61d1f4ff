using System.Globalization;
using AmoHub.Grains.Crm;
using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Monitoring;
using AmoHub.Grains.Probes;
using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AmoHub.Tests.Monitoring;

public sealed class HealthCheckLogTests
{
    private const string Account = "acme";

    [Fact]
    public async Task Results_past_the_queue_s_capacity_give_way_oldest_first_and_every_one_given_up_is_counted_and_warned_about()
    {
        using var database = await TestDatabase.CreateMigratedAsync(StorageProvider.Sqlite);
        using var logs = new CapturedLogs();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        using var log = new HealthCheckLog(database.Database, factory.CreateLogger<HealthCheckLog>(), capacity: 10);
        var records = MonitoringSamples.Results(Account, DateTimeOffset.UtcNow, hoursBack: 1).Take(25).ToList();

        // Not started, as while the database is unreachable: nothing leaves the queue.
        records.ForEach(log.Append);

        Assert.Equal(15, log.Dropped);
        var warning = Assert.Single(logs.Lines, line => line.EventId == 2004);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains($"of {Account}/{records[0].CheckType}", warning.Message, StringComparison.Ordinal);
        Assert.Contains("(1 given up so far)", warning.Message, StringComparison.Ordinal);

        await log.StartAsync(CancellationToken.None);
        await Eventually.MatchAsync(() => database.ScalarAsync("SELECT COUNT(*) FROM health_checks"), count => count == 10, TimeSpan.FromSeconds(10), "the queued results to be written");
        await log.StopAsync(CancellationToken.None);
        var newest = records.Skip(15).Select(record => record.Result.Timestamp.ToUnixTimeMilliseconds()).Order().ToList();
        Assert.Equal(newest, await database.ColumnAsync("SELECT timestamp FROM health_checks ORDER BY timestamp"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Results_of_one_check_in_one_millisecond_are_all_kept_each_with_an_id_of_its_own(StorageProvider engine)
    {
        using var database = await TestDatabase.CreateMigratedAsync(engine);
        var log = MonitoringSamples.Writer(database);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds());
        HealthCheckRecord Result(int responseTime) => new(Account, CheckType.Get, new CheckResult(at, HealthStatus.Up, responseTime, 200, null));

        // Two in one batch, a third in the next.
        await log.WriteAsync([Result(101), Result(102)], CancellationToken.None);
        await log.WriteAsync([Result(103)], CancellationToken.None);

        var (total, results) = await new MonitoringReadModel(database.Database).PageResultsAsync(
            Account, ["GET"], at.AddSeconds(-1).ToUnixTimeMilliseconds(), at.AddSeconds(1).ToUnixTimeMilliseconds(), 0, 10);
        Assert.Equal(3, total);
        Assert.Equal([103, 102, 101], results.Select(result => result.ResponseTime));
        Assert.Equal(3, results.Select(result => result.Id).Distinct().Count());
        Assert.All(results, result => Assert.Equal(at, result.Timestamp));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Results_stored_before_the_compact_table_read_back_the_same_after_it_new_ids_follow_theirs_and_old_rollups_are_still_purged(StorageProvider engine)
    {
        using var database = await TestDatabase.CreateAsync(engine);
        var migrator = new SchemaMigrator(database.Database, NullLogger<SchemaMigrator>.Instance, [NameKeyRekey.Step]);
        await migrator.MigrateAsync(14, CancellationToken.None);
        var at = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        // Every check type and status, with and without an HTTP status and error, two accounts, two results of one check in one millisecond.
        await database.ExecuteAsync(string.Create(CultureInfo.InvariantCulture, $"""
            INSERT INTO health_checks (account, check_type, timestamp, status, response_time, http_status, error_message, error_code) VALUES
            ('{Account}', 'GET', {at}, 'up', 120, 200, NULL, NULL),
            ('{Account}', 'POST', {at + 1}, 'warning', 2500, 429, 'slow answer', 'slow'),
            ('{Account}', 'WEB', {at + 2}, 'down', 10000, NULL, 'The request timed out', 'timeout'),
            ('{Account}', 'HOOK', {at + 3}, 'up', 80, 200, NULL, NULL),
            ('{Account}', 'DP', {at + 4}, 'down', 60000, NULL, 'No webhook came back', 'no_webhook'),
            ('{Account}', 'GET', {at + 5}, 'unknown', 0, NULL, NULL, NULL),
            ('other', 'GET', {at}, 'up', 90, 200, NULL, NULL),
            ('other', 'GET', {at}, 'down', 5000, 502, 'Bad gateway', 'server_error')
            """));
        // An account whose raw results are gone and whose day rollup is past every retention.
        await database.ExecuteAsync(
            "INSERT INTO health_rollups (account, check_type, resolution, bucket_start, total, up, warning, down, response_time_sum, response_time_min, response_time_max, histogram) " +
            "VALUES ('rollups-only', 'GET', 'd', 0, 1, 1, 0, 0, 100, 100, 100, X'00')");
        const string everything = "SELECT id, account, check_type, timestamp, status, response_time, http_status, error_message, error_code FROM health_checks ORDER BY id";
        var before = await RowsAsync(database, everything);
        var lastId = await database.ScalarAsync("SELECT MAX(id) FROM health_checks");

        Assert.Equal([15], await migrator.MigrateAsync(CancellationToken.None));

        Assert.Equal(before, await RowsAsync(database, everything));
        var reads = new MonitoringReadModel(database.Database);
        var (total, page) = await reads.PageResultsAsync(Account, CheckTypes.All.Select(type => type.ToWireName()).ToList(), at, at + 10, 0, 10);
        Assert.Equal(6, total);
        Assert.Equal(
            before.Where(row => row[1] == Account).Reverse().Select(row => string.Join('|', row.Where((_, column) => column != 1))),
            page.Select(Describe));
        var other = await reads.ResultsAfterAsync("other", "GET", at, at, null, 10);
        Assert.Equal(before.Where(row => row[1] == "other").Select(row => string.Join('|', row.Where((_, column) => column != 1))), other.Select(Describe));

        await MonitoringSamples.Writer(database).WriteAsync(
            [new HealthCheckRecord("other", CheckType.Get, new CheckResult(DateTimeOffset.FromUnixTimeMilliseconds(at), HealthStatus.Up, 70, 200, null))],
            CancellationToken.None);
        var third = await reads.ResultsAfterAsync("other", "GET", at, at, new ExportCursor(at, other[^1].Id), 10);
        Assert.Equal(lastId + 1, Assert.Single(third).Id);

        var purged = await new RetentionPurge(database.Database, Options.Create(new MonitoringSettings()), TimeProvider.System, NullLogger<RetentionPurge>.Instance)
            .PurgeAsync(CancellationToken.None);
        Assert.Equal(1, purged.DayRollups);
        Assert.Equal(0, await database.ScalarAsync("SELECT COUNT(*) FROM health_rollups WHERE account = 'rollups-only'"));
    }

    private static string Describe(StoredCheckResult result) => string.Join('|',
        Text(result.Id), result.CheckType, Text(result.Timestamp.ToUnixTimeMilliseconds()), result.Status, Text(result.ResponseTime),
        Text(result.HttpStatus), Text(result.ErrorMessage), Text(result.ErrorCode));

    private static string Text(object? value) => value is null or DBNull ? "null" : Convert.ToString(value, CultureInfo.InvariantCulture)!;

    private static async Task<List<string[]>> RowsAsync(TestDatabase database, string sql)
    {
        await using var connection = await database.Database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await reader.ReadAsync())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(column => Text(reader.GetValue(column))).ToArray());
        }

        return rows;
    }
}
