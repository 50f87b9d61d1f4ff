using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Foundation;

public sealed class SqliteWritingTests
{
    [Fact]
    public async Task Writers_of_one_SQLite_file_take_turns_even_through_separately_resolved_databases()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        var sameFile = AmoHubDatabase.From(
            new StorageSettings { Provider = StorageProvider.Sqlite, ConnectionString = database.ConnectionString }, Environment.CurrentDirectory);

        var first = await database.Database.OpenWriteAsync(CancellationToken.None);
        var second = sameFile.OpenWriteAsync(CancellationToken.None);
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.False(second.IsCompleted, "a second writer got in while the first still wrote");

        using (var command = first.Connection.CreateCommand())
        {
            command.CommandText = "CREATE TABLE turns (id INTEGER PRIMARY KEY)";
            await command.ExecuteNonQueryAsync();
        }

        await first.DisposeAsync();
        await using var next = await second.WaitAsync(TimeSpan.FromSeconds(30));
        using var insert = next.Connection.CreateCommand();
        insert.CommandText = "INSERT INTO turns (id) VALUES (1)";
        Assert.Equal(1, await insert.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task A_writer_that_gives_up_waiting_does_not_keep_a_turn()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        var first = await database.Database.OpenWriteAsync(CancellationToken.None);
        using var impatience = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => database.Database.OpenWriteAsync(impatience.Token));

        await first.DisposeAsync();
        await using var next = await database.Database.OpenWriteAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(System.Data.ConnectionState.Open, next.Connection.State);
    }

    [Fact]
    public async Task MySQL_writers_do_not_wait_for_each_other()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.MySql);

        await using var first = await database.Database.OpenWriteAsync(CancellationToken.None);
        await using var second = await database.Database.OpenWriteAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(System.Data.ConnectionState.Open, first.Connection.State);
        Assert.Equal(System.Data.ConnectionState.Open, second.Connection.State);
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData(SqliteDurability.Normal, 1)]
    [InlineData(SqliteDurability.Full, 2)]
    public async Task SQLite_connections_flush_commits_as_the_durability_setting_says(SqliteDurability? durability, long synchronous)
    {
        using var file = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        var settings = new StorageSettings { Provider = StorageProvider.Sqlite, ConnectionString = file.ConnectionString };
        if (durability is { } chosen)
        {
            settings.SqliteDurability = chosen;
        }

        var database = AmoHubDatabase.From(settings, Environment.CurrentDirectory);
        await using var write = await database.OpenWriteAsync(CancellationToken.None);
        using var command = write.Connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous";

        Assert.Equal(synchronous, Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task An_urgent_writer_goes_before_normal_writers_that_waited_longer_and_a_turn_passes_once()
    {
        var turns = new WriteTurns();
        var first = await turns.WaitAsync(WritePriority.Normal, CancellationToken.None);
        var normal = turns.WaitAsync(WritePriority.Normal, CancellationToken.None);
        var urgent = turns.WaitAsync(WritePriority.Urgent, CancellationToken.None);

        first.Dispose();
        first.Dispose();
        var second = await urgent.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromMilliseconds(100));

        Assert.False(normal.IsCompleted, "a normal writer got in beside the urgent one");
        second.Dispose();
        (await normal.WaitAsync(TimeSpan.FromSeconds(30))).Dispose();
        (await turns.WaitAsync(WritePriority.Normal, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30))).Dispose();
    }
}
