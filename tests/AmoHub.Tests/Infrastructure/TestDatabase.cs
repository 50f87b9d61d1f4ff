using AmoHub.Grains.Crm;
using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace AmoHub.Tests.Infrastructure;

/// <summary>A fresh, empty database for one test: a SQLite file in a temp folder, or a database on the run's MariaDB.</summary>
public sealed class TestDatabase : IDisposable
{
    private readonly string? _folder;

    private TestDatabase(StorageProvider provider, string connectionString, string? folder)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _folder = folder;
        Database = AmoHubDatabase.From(new StorageSettings { Provider = provider, ConnectionString = connectionString }, System.Environment.CurrentDirectory);
    }

    /// <summary>The engine.</summary>
    public StorageProvider Provider { get; }

    /// <summary>How AmoHub connects.</summary>
    public string ConnectionString { get; }

    /// <summary>The database as AmoHub resolves it.</summary>
    public AmoHubDatabase Database { get; }

    /// <summary>Settings that point an AmoHub process at this database, as environment variables.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["AmoHub__Storage__Provider"] = Provider.ToString(),
        ["AmoHub__Storage__ConnectionString"] = ConnectionString,
    };

    /// <summary>Creates a database on the given engine.</summary>
    public static async Task<TestDatabase> CreateAsync(StorageProvider provider)
    {
        if (provider == StorageProvider.MySql)
        {
            var server = await MariaDbServer.GetAsync();
            return new TestDatabase(provider, await server.CreateDatabaseAsync(), null);
        }

        var folder = Directory.CreateTempSubdirectory("amohub-sqlite-").FullName;
        return new TestDatabase(provider, $"Data Source={Path.Combine(folder, "amohub.db")}", folder);
    }

    /// <summary>Creates a database on the given engine with AmoHub's schema in it.</summary>
    public static async Task<TestDatabase> CreateMigratedAsync(StorageProvider provider)
    {
        var database = await CreateAsync(provider);
        await new SchemaMigrator(database.Database, NullLogger<SchemaMigrator>.Instance, [NameKeyRekey.Step]).MigrateAsync(CancellationToken.None);
        return database;
    }

    /// <summary>Creates a database on a MariaDB server of the test's own (<see cref="MariaDbServer.StartDedicatedAsync"/>).</summary>
    public static async Task<TestDatabase> CreateOnAsync(MariaDbServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new TestDatabase(StorageProvider.MySql, await server.CreateDatabaseAsync(), null);
    }

    /// <summary>Runs a scalar query against the database.</summary>
    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Reads the first column of a query's rows as numbers.</summary>
    public async Task<List<long>> ColumnAsync(string sql)
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<long>();
        while (await reader.ReadAsync())
        {
            values.Add(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return values;
    }

    /// <summary>Runs a statement against the database.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_folder is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A process that has not quite exited may still hold the file; the temp folder is cleaned later.
            }
        }
    }
}
