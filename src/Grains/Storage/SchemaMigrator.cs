using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;
using AmoHub.ServiceDefaults.Storage;
using Microsoft.Extensions.Logging;

namespace AmoHub.Grains.Storage;

/// <summary>
/// Applies the project's versioned schema scripts (Orleans' tables and queries, then the read model) to the
/// configured database at start-up. Each script runs once; the applied versions are recorded in
/// <c>amohub_schema_migrations</c>, so running it again, or from several silos at once, changes nothing.
/// </summary>
public sealed partial class SchemaMigrator
{
    private const string LockName = "amohub.schema";

    /// <summary>The versions whose scripts need a code step after them (migration 7 re-keys names).</summary>
    private static readonly int[] VersionsWithCodeSteps = [7];

    private readonly AmoHubDatabase _database;
    private readonly ILogger<SchemaMigrator> _logger;
    private readonly Dictionary<int, SchemaCodeStep> _codeSteps;

    /// <summary>A migrator with the code steps the features own; one missing for a version that needs it stops it here.</summary>
    public SchemaMigrator(AmoHubDatabase database, ILogger<SchemaMigrator> logger, IEnumerable<SchemaCodeStep> codeSteps)
    {
        _database = database;
        _logger = logger;
        ArgumentNullException.ThrowIfNull(codeSteps);
        _codeSteps = codeSteps.ToDictionary(step => step.Version);
        var missing = VersionsWithCodeSteps.Where(version => !_codeSteps.ContainsKey(version)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"The schema migrator was given no code step for migration {string.Join(", ", missing)}.");
        }
    }

    /// <summary>The scripts for one engine, in version order.</summary>
    public static IReadOnlyList<Migration> ScriptsFor(StorageProvider provider)
    {
        var folder = provider == StorageProvider.MySql ? "mysql" : "sqlite";
        var assembly = typeof(SchemaMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Select(name => (name, match: ScriptName().Match(name)))
            .Where(pair => pair.match.Success && pair.match.Groups["engine"].Value == folder)
            .Select(pair => new Migration(
                int.Parse(pair.match.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture),
                pair.match.Groups["name"].Value,
                ReadResource(assembly, pair.name)))
            .OrderBy(migration => migration.Version)
            .ToList();
    }

    /// <summary>Brings the database up to the newest version; returns the versions it applied.</summary>
    public Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken) => MigrateAsync(int.MaxValue, cancellationToken);

    /// <summary>
    /// Brings the database up to <paramref name="version"/> and no further (as an older build left it); returns the
    /// versions it applied.
    /// </summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(int version, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await PrepareAsync(connection, cancellationToken);
        try
        {
            await ExecuteAsync(connection, CreateHistoryTable, cancellationToken);
            var applied = await AppliedVersionsAsync(connection, cancellationToken);
            var done = new List<int>();
            foreach (var migration in ScriptsFor(_database.Provider).Where(m => !applied.Contains(m.Version) && m.Version <= version))
            {
                await ApplyAsync(connection, migration, cancellationToken);
                LogApplied(_logger, migration.Version, migration.Name, _database.Provider);
                done.Add(migration.Version);
            }

            return done;
        }
        finally
        {
            await ReleaseAsync(connection);
        }
    }

    /// <summary>
    /// The versions this build knows that the database has not applied yet, read without changing anything (no
    /// DDL, no lock): all of them while the history table does not exist.
    /// </summary>
    public async Task<IReadOnlyList<int>> PendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        HashSet<int> applied;
        try
        {
            applied = await AppliedVersionsAsync(connection, cancellationToken);
        }
        catch (DbException)
        {
            // No history table: nothing has been migrated yet.
            applied = [];
        }

        return ScriptsFor(_database.Provider).Select(migration => migration.Version).Where(version => !applied.Contains(version)).ToList();
    }

    private async Task ApplyAsync(DbConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        // SQLite runs DDL inside a transaction, so a script applies whole or not at all.
        // MySQL commits each DDL statement itself; the lock taken in PrepareAsync keeps two silos apart.
        await using var transaction = _database.Provider == StorageProvider.Sqlite
            ? await connection.BeginTransactionAsync(cancellationToken)
            : null;
        foreach (var statement in migration.Statements)
        {
            await ExecuteAsync(connection, statement, cancellationToken, transaction);
        }

        if (_codeSteps.TryGetValue(migration.Version, out var step))
        {
            await step.RunAsync(connection, transaction, cancellationToken);
        }

        await using (var record = connection.CreateCommand())
        {
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO amohub_schema_migrations (version, name, applied_at) VALUES (@version, @name, @appliedAt)";
            AddParameter(record, "@version", migration.Version);
            AddParameter(record, "@name", migration.Name);
            AddParameter(record, "@appliedAt", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
    }

    private async Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (_database.Provider == StorageProvider.Sqlite)
        {
            // WAL lets the read model be queried while grains write; it is a property of the file.
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL", cancellationToken);
            return;
        }

        if (!await MySqlNamedLock.TryAcquireAsync(connection, LockName, TimeSpan.FromSeconds(120), cancellationToken))
        {
            throw new InvalidOperationException("Another process has been migrating the AmoHub schema for 120 s; giving up.");
        }
    }

    private async Task ReleaseAsync(DbConnection connection)
    {
        if (_database.Provider == StorageProvider.MySql)
        {
            await MySqlNamedLock.ReleaseAsync(connection, LockName);
        }
    }

    private static async Task<HashSet<int>> AppliedVersionsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM amohub_schema_migrations";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new HashSet<int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return versions;
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken, DbTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 300;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private const string CreateHistoryTable = """
        CREATE TABLE IF NOT EXISTS amohub_schema_migrations (
            version INT NOT NULL PRIMARY KEY,
            name VARCHAR(200) NOT NULL,
            applied_at BIGINT NOT NULL
        )
        """;

    [GeneratedRegex(@"^migrations/(?<engine>mysql|sqlite)/(?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$")]
    private static partial Regex ScriptName();

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Applied schema migration {Version} ({Name}) on {Provider}")]
    private static partial void LogApplied(ILogger logger, int version, string name, StorageProvider provider);
}

/// <summary>One versioned schema script; its statements are separated by lines holding only <c>GO</c>.</summary>
public sealed partial record Migration(int Version, string Name, string Script)
{
    /// <summary>The script split into statements, empty ones dropped.</summary>
    public IReadOnlyList<string> Statements { get; } = Separator().Split(Script)
        .Select(statement => statement.Trim())
        .Where(statement => statement.Length > 0 && !IsOnlyComments(statement))
        .ToList();

    private static bool IsOnlyComments(string statement) =>
        statement.Split('\n').All(line => line.TrimStart().StartsWith("--", StringComparison.Ordinal) || line.Trim().Length == 0);

    [GeneratedRegex(@"^\s*GO\s*$", RegexOptions.Multiline)]
    private static partial Regex Separator();
}
