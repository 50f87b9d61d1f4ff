using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Foundation;

/// <summary>The migrations-only run that the Kubernetes migration Job starts before the silos.</summary>
public sealed class MigrationJobTests
{
    [Fact]
    public async Task The_migrate_run_applies_the_schema_to_MariaDB_exits_zero_and_a_second_run_is_a_no_op()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.MySql);
        var settings = SiloSettings.For(database, role: "Silo");
        var versions = SchemaMigrator.ScriptsFor(StorageProvider.MySql).Select(migration => migration.Version).ToList();

        await using (var first = AmoHubProcess.StartSilo(settings, "--migrate"))
        {
            Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(120)));
            Assert.Contains($"applied {string.Join(", ", versions)}", first.Output, StringComparison.Ordinal);
        }

        Assert.Equal(versions.Count, await database.ScalarAsync("SELECT COUNT(*) FROM amohub_schema_migrations"));
        Assert.Equal(1, await database.ScalarAsync("SELECT COUNT(*) FROM OrleansQuery WHERE QueryKey = 'MembershipReadAllKey'"));
        Assert.Equal(0, await database.ScalarAsync("SELECT COUNT(*) FROM contacts"));
        var appliedAt = await database.ScalarAsync("SELECT MAX(applied_at) FROM amohub_schema_migrations");

        await using (var second = AmoHubProcess.StartSilo(settings, "--migrate"))
        {
            Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(120)));
            Assert.Contains("nothing to apply", second.Output, StringComparison.Ordinal);
        }

        Assert.Equal(versions.Count, await database.ScalarAsync("SELECT COUNT(*) FROM amohub_schema_migrations"));
        Assert.Equal(appliedAt, await database.ScalarAsync("SELECT MAX(applied_at) FROM amohub_schema_migrations"));
        Assert.Equal(0, await database.ScalarAsync("SELECT COUNT(*) FROM OrleansClusterMember"));
    }

    [Fact]
    public async Task A_silo_whose_migrations_belong_to_the_job_waits_for_the_job_and_then_starts()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.MySql);
        var settings = SiloSettings.For(database, role: "Silo");
        settings["AmoHub__Storage__Migrations"] = "External";

        await using var silo = AmoHubProcess.StartSilo(settings);
        await Eventually.MatchAsync(
            () => Task.FromResult(silo.Output),
            output => output.Contains("Waiting for the migration job", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60),
            "the silo to wait for the migration job");
        Assert.False(silo.HasExited);
        Assert.Equal(0, await database.ScalarAsync("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'amohub_schema_migrations'"));

        await using (var job = AmoHubProcess.StartSilo(settings, "--migrate"))
        {
            Assert.Equal(0, await job.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        }

        await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(1, await database.ScalarAsync("SELECT COUNT(*) FROM OrleansClusterMember WHERE Status = 3"));
    }

    [Fact]
    public async Task A_silo_waiting_for_a_job_that_never_runs_stops_naming_the_setting()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.MySql);
        var settings = SiloSettings.For(database, role: "Silo");
        settings["AmoHub__Storage__Migrations"] = "External";
        settings["AmoHub__Storage__MigrationWaitTimeout"] = "00:00:03";

        await using var silo = AmoHubProcess.StartSilo(settings);

        Assert.NotEqual(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        Assert.Contains("AmoHub:Storage:MigrationWaitTimeout", silo.Output, StringComparison.Ordinal);
    }
}
