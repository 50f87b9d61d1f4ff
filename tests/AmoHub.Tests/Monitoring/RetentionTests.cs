using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Monitoring;
using AmoHub.Grains.Monitoring.Incidents;
using AmoHub.Grains.Probes;
using AmoHub.ServiceDefaults.Configuration;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AmoHub.Tests.Monitoring;

public sealed class RetentionTests
{
    private const string Account = "acme";

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_purge_removes_results_rollups_and_closed_incidents_past_their_retention_and_keeps_the_rest(StorageProvider engine)
    {
        using var database = await TestDatabase.CreateMigratedAsync(engine);
        var now = DateTimeOffset.UtcNow;
        double[] daysAgo = [800, 40, 31, 29, 1];
        var records = daysAgo
            .SelectMany(days => Enumerable.Range(0, 3).Select(i => new HealthCheckRecord(
                Account, CheckType.Get, new CheckResult(now.AddDays(-days).AddMinutes(i * 90), HealthStatus.Up, 100 + i, 200, null))))
            .ToList();
        await MonitoringSamples.WriteAsync(MonitoringSamples.Writer(database), records);
        long Ago(double days) => now.AddDays(-days).ToUnixTimeMilliseconds();
        var incidents = await MonitoringSamples.InsertIncidentsAsync(database.Database, Account,
        [
            new("GET", Ago(800), Ago(799), "closed before the day rollups' horizon"),
            new("GET", Ago(801), null, "open since long ago"),
            new("GET", Ago(40), Ago(39), "closed recently enough"),
        ]);
        var notes = new IncidentStore(database.Database, TimeProvider.System);
        Assert.Equal(NoteOutcome.Added, (await notes.AddNoteAsync(Account, incidents[0], "ops", "noted")).Outcome);
        Assert.Equal(NoteOutcome.Added, (await notes.AddNoteAsync(Account, incidents[0], "ops", "again")).Outcome);
        var before = await CountRollupsAsync(database);

        // A batch of 2 rows makes every table take several bounded DELETEs.
        var purge = new RetentionPurge(
            database.Database,
            Options.Create(new MonitoringSettings { PurgeBatchSize = 2, PurgePause = TimeSpan.Zero }),
            TimeProvider.System,
            NullLogger<RetentionPurge>.Instance);
        var counts = await purge.PurgeAsync(CancellationToken.None);

        // Raw results: 30 days. Rollups: minute 7 days, hour 90 days, day 2 years. Closed incidents: 2 years.
        Assert.Equal(6, await database.ScalarAsync($"SELECT COUNT(*) FROM health_checks WHERE timestamp >= {Ago(30)}"));
        Assert.Equal(0, await database.ScalarAsync($"SELECT COUNT(*) FROM health_checks WHERE timestamp < {Ago(30)}"));
        Assert.Equal(9, counts.RawResults);
        var after = await CountRollupsAsync(database);
        Assert.Equal(3, after["m"]);
        Assert.Equal(before["m"] - 3, counts.MinuteRollups);
        Assert.Equal(0, await database.ScalarAsync($"SELECT COUNT(*) FROM health_rollups WHERE resolution = 'h' AND bucket_start < {Ago(90)}"));
        Assert.Equal(before["h"] - counts.HourRollups, after["h"]);
        Assert.True(counts.HourRollups >= 2);
        Assert.Equal(0, await database.ScalarAsync($"SELECT COUNT(*) FROM health_rollups WHERE resolution = 'd' AND bucket_start < {Ago(730)}"));
        Assert.True(after["d"] >= 4);
        Assert.Equal(1, counts.Incidents);
        Assert.Equal(2, await database.ScalarAsync("SELECT COUNT(*) FROM incidents"));
        Assert.Equal(0, await database.ScalarAsync("SELECT COUNT(*) FROM incident_notes"));

        var again = await purge.PurgeAsync(CancellationToken.None);
        Assert.Equal(new PurgeCounts(0, 0, 0, 0, 0), again);
    }

    [Theory]
    [InlineData("RawRetention", "banana")]
    [InlineData("RawRetention", "00:00:05")]
    [InlineData("PurgeBatchSize", "0")]
    [InlineData("MinuteRollupRetention", "100.00:00:00")]
    [InlineData("HourRollupRetention", "1.00:00:00")]
    public void A_bad_monitoring_setting_stops_start_up_naming_its_key(string key, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"AmoHub:Monitoring:{key}"] = value })
            .Build();

        var error = Assert.Throws<OptionsValidationException>(() => ValidatedSettings.Get<MonitoringSettings>(configuration, MonitoringSettings.Section));

        Assert.Contains($"AmoHub:Monitoring:{key}", error.Message, StringComparison.Ordinal);
    }

    private static async Task<Dictionary<string, long>> CountRollupsAsync(TestDatabase database) => new()
    {
        ["m"] = await database.ScalarAsync("SELECT COUNT(*) FROM health_rollups WHERE resolution = 'm'"),
        ["h"] = await database.ScalarAsync("SELECT COUNT(*) FROM health_rollups WHERE resolution = 'h'"),
        ["d"] = await database.ScalarAsync("SELECT COUNT(*) FROM health_rollups WHERE resolution = 'd'"),
    };
}
