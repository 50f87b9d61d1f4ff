using AmoHub.Grains.Crm;
using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace AmoHub.Tests.Foundation;

public sealed class SchemaMigrationTests
{
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Migrations_apply_once_and_a_second_run_changes_nothing(StorageProvider engine)
    {
        using var database = await TestDatabase.CreateAsync(engine);
        var migrator = new SchemaMigrator(database.Database, NullLogger<SchemaMigrator>.Instance, [NameKeyRekey.Step]);
        var expected = SchemaMigrator.ScriptsFor(engine).Select(migration => migration.Version).ToList();

        var first = await migrator.MigrateAsync(CancellationToken.None);
        var second = await migrator.MigrateAsync(CancellationToken.None);

        Assert.Equal(expected, first);
        Assert.Empty(second);
        Assert.Equal(expected.Count, await database.ScalarAsync("SELECT COUNT(*) FROM amohub_schema_migrations"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_schema_holds_Orleans_queries_and_the_read_model(StorageProvider engine)
    {
        using var database = await TestDatabase.CreateAsync(engine);
        await new SchemaMigrator(database.Database, NullLogger<SchemaMigrator>.Instance, [NameKeyRekey.Step]).MigrateAsync(CancellationToken.None);

        string[] persistence = ["ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey"];
        string[] reminders = ["UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "DeleteReminderRowKey", "DeleteReminderRowsKey"];
        string[] clustering = ["InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey", "MembershipReadRowKey", "MembershipReadAllKey", "GatewaysQueryKey", "DeleteMembershipTableEntriesKey", "CleanupDefunctSiloEntriesKey"];
        var required = engine == StorageProvider.MySql ? [.. persistence, .. reminders, .. clustering] : persistence.Concat(reminders).ToArray();
        foreach (var key in required)
        {
            Assert.Equal(1, await database.ScalarAsync($"SELECT COUNT(*) FROM OrleansQuery WHERE QueryKey = '{key}'"));
        }

        foreach (var table in new[] { "contacts", "leads", "health_checks", "incidents", "health_rollups" })
        {
            Assert.Equal(0, await database.ScalarAsync($"SELECT COUNT(*) FROM {table}"));
        }
    }

    [Fact]
    public async Task Two_silos_migrating_one_MariaDB_at_once_apply_each_script_once()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.MySql);
        var migrators = Enumerable.Range(0, 3)
            .Select(_ => new SchemaMigrator(database.Database, NullLogger<SchemaMigrator>.Instance, [NameKeyRekey.Step]))
            .ToList();

        var applied = await Task.WhenAll(migrators.Select(migrator => migrator.MigrateAsync(CancellationToken.None)));

        Assert.Equal(
            SchemaMigrator.ScriptsFor(StorageProvider.MySql).Select(migration => migration.Version),
            applied.SelectMany(versions => versions).Order());
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Name_keys_written_under_the_older_rule_are_rewritten_under_todays(StorageProvider engine)
    {
        using var database = await TestDatabase.CreateMigratedAsync(engine);
        await database.ExecuteAsync(
            "INSERT INTO leads (account, amocrm_id, name, name_key, created_at, updated_at) VALUES ('acme', 1, 'Алёна\u200B Кафе', 'алёна\u200B кафе', 0, 0), ('acme', 2, 'Заказ 2', 'заказ 2', 0, 0)");

        await using (var connection = await database.Database.OpenAsync(CancellationToken.None))
        {
            await NameKeyRekey.RunAsync(connection, null, CancellationToken.None);
        }

        Assert.Equal(1, await database.ScalarAsync("SELECT COUNT(*) FROM leads WHERE amocrm_id = 1 AND name_key = 'алена кафе'"));
        Assert.Equal(1, await database.ScalarAsync("SELECT COUNT(*) FROM leads WHERE amocrm_id = 2 AND name_key = 'заказ 2'"));
    }
}
