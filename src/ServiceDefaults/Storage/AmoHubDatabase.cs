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
    private AmoHubDatabase(StorageProvider provider, string connectionString)
    {
        Provider = provider;
        ConnectionString = connectionString;
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
            return new AmoHubDatabase(settings.Provider, settings.ConnectionString!);
        }

        var builder = settings.ConnectionString is null
            ? new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(Path.GetFullPath(settings.DataDirectory, baseDirectory), "amohub.db"),
            }
            : new SqliteConnectionStringBuilder(settings.ConnectionString);
        builder.Pooling = true;
        builder.DefaultTimeout = Math.Max(builder.DefaultTimeout, 30);
        var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource, baseDirectory));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        return new AmoHubDatabase(settings.Provider, builder.ConnectionString);
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
