using AmoHub.Grains.Probes;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

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
}
