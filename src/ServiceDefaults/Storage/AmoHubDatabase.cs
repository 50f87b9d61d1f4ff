using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using MySqlConnector;

namespace AmoHub.ServiceDefaults.Storage;

/// <summary>
/// The one database of an AmoHub deployment: which engine, how to connect, and the ADO.NET invariant
/// Orleans' providers need for it.
/// </summary>
public sealed class AmoHubDatabase
{
    private static readonly ConcurrentDictionary<string, WriteTurns> SqliteWriters = new(StringComparer.Ordinal);

    private readonly WriteTurns? _writers;
    private readonly string? _synchronous;

    private AmoHubDatabase(StorageProvider provider, string connectionString, WriteTurns? writers, string? synchronous)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _writers = writers;
        _synchronous = synchronous;
    }

    /// <summary>The engine.</summary>
    public StorageProvider Provider { get; }

    /// <summary>The resolved connection string. Holds credentials: never log it.</summary>
    public string ConnectionString { get; }

    /// <summary>
    /// The invariant Orleans' ADO.NET providers load: <c>MySql.Data.MySqlConnector</c> for MySqlConnector and
    /// <c>System.Data.SQLite</c>, which Orleans maps to Microsoft.Data.Sqlite.
    /// </summary>
    public string OrleansInvariant => Provider switch
    {
        StorageProvider.MySql => "MySql.Data.MySqlConnector",
        _ => "System.Data.SQLite",
    };

    /// <summary>Resolves the settings; a SQLite file goes under the data directory, which is created.</summary>
    public static AmoHubDatabase From(StorageSettings settings, string baseDirectory)
    {
        if (settings.Provider == StorageProvider.MySql)
        {
            return new AmoHubDatabase(settings.Provider, settings.ConnectionString!, null, null);
        }

        var builder = settings.ConnectionString is null
            ? new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(Path.GetFullPath(settings.DataDirectory, baseDirectory), "amohub.db"),
            }
            : new SqliteConnectionStringBuilder(settings.ConnectionString);
        builder.Pooling = true;
        builder.DefaultTimeout = Math.Max(builder.DefaultTimeout, 30);
        var file = Path.GetFullPath(builder.DataSource, baseDirectory);
        var folder = Path.GetDirectoryName(file);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        // A connection's synchronous level is its own and stays with it in the pool, so it is set on each connection
        // AmoHub opens to write. Orleans' providers use the same connection string and pool, so their commits run at
        // AmoHub's level or, on a connection AmoHub never wrote with, at SQLite's default (FULL): never less durable
        // than the setting. The WAL is one log, so a database of mixed commits still loses only a tail of them on a
        // power cut, never a middle.
        return new AmoHubDatabase(
            settings.Provider,
            builder.ConnectionString,
            SqliteWriters.GetOrAdd(file, _ => new WriteTurns()),
            settings.SqliteDurability == SqliteDurability.Full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    }

    /// <summary>
    /// Waits for this process's turn to write. SQLite lets one writer at a time, and Microsoft.Data.Sqlite waits for
    /// a busy database by putting its thread to sleep for 150 ms a try, so writers colliding on separate connections
    /// starve the thread pool (and with it a silo's timers and webhook answers). Writers of one SQLite file in this
    /// process therefore queue here without holding a thread. MySQL locks rows, so there the turn is free.
    /// </summary>
    /// <remarks><see cref="WritePriority.Urgent"/> writers go before normal ones that wait.</remarks>
    public Task<IDisposable> WaitWriteTurnAsync(WritePriority priority, CancellationToken cancellationToken) =>
        _writers is null ? Task.FromResult<IDisposable>(NoTurn.Instance) : _writers.WaitAsync(priority, cancellationToken);

    /// <summary>
    /// Opens a connection for a write, in this process's turn (see <see cref="WaitWriteTurnAsync"/>); the turn ends
    /// when the returned write is disposed.
    /// </summary>
    public Task<DatabaseWrite> OpenWriteAsync(CancellationToken cancellationToken) => OpenWriteAsync(WritePriority.Normal, cancellationToken);

    /// <summary>Opens a connection for a write, waiting for the turn in the line of <paramref name="priority"/>.</summary>
    public async Task<DatabaseWrite> OpenWriteAsync(WritePriority priority, CancellationToken cancellationToken)
    {
        var turn = await WaitWriteTurnAsync(priority, cancellationToken);
        DbConnection? connection = null;
        try
        {
            connection = await OpenAsync(cancellationToken);
            if (_synchronous is not null)
            {
                // Only commits care how they reach the disk, so only writes pay for saying it.
                await using var pragma = connection.CreateCommand();
                pragma.CommandText = _synchronous;
                await pragma.ExecuteNonQueryAsync(cancellationToken);
            }

            return new DatabaseWrite(connection, turn);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            turn.Dispose();
            throw;
        }
    }

    /// <summary>Opens a new pooled connection.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Opens a new pooled connection synchronously, for callers whose contract is synchronous (the data protection
    /// key ring); everything else uses <see cref="OpenAsync"/>.
    /// </summary>
    public DbConnection Open()
    {
        var connection = CreateConnection();
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private DbConnection CreateConnection() => Provider == StorageProvider.MySql
        ? new MySqlConnection(ConnectionString)
        : new SqliteConnection(ConnectionString);
}

/// <summary>A connection opened for a write, holding its process's write turn until disposed.</summary>
public sealed class DatabaseWrite : IAsyncDisposable
{
    private readonly IDisposable _turn;

    internal DatabaseWrite(DbConnection connection, IDisposable turn)
    {
        Connection = connection;
        _turn = turn;
    }

    /// <summary>The open connection.</summary>
    public DbConnection Connection { get; }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Connection.DisposeAsync();
        }
        finally
        {
            _turn.Dispose();
        }
    }
}

/// <summary>The turn of a database whose writers need none (MySQL).</summary>
internal sealed class NoTurn : IDisposable
{
    public static readonly NoTurn Instance = new();

    public void Dispose()
    {
    }
}
