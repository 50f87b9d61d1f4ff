using AmoHub.ServiceDefaults.Storage;
using Microsoft.Data.Sqlite;

namespace AmoHub.Silo;

/// <summary>
/// The SQLite database of an all-in-one AmoHub as a file an operator handles: held by the one process that runs on it
/// (a lock on <c>amohub.db.lock</c> beside it, which the system drops when the process ends, even by SIGKILL), copied
/// while it runs (<c>AmoHub.Silo --backup &lt;file&gt;</c>, SQLite's online backup: a consistent snapshot, writers
/// go on), and put back while nothing runs on it (<c>--restore &lt;file&gt;</c>).
/// </summary>
public static class SqliteFiles
{
    /// <summary>The exit code of a backup or restore refused (a MySQL deployment, a silo running, a file that is no AmoHub database).</summary>
    public const int Refused = 4;

    /// <summary>The database file a SQLite deployment's connection string names.</summary>
    public static string FileOf(AmoHubDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
    }

    /// <summary>Holds the database of this process, or null when another process holds it.</summary>
    public static FileStream? TryHold(string databaseFile)
    {
        try
        {
            // FileShare.None is an exclusive advisory lock (flock) on Unix: another AmoHub process cannot take it.
            return new FileStream(databaseFile + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Copies the running database into <paramref name="target"/>, replacing it only once the copy is whole.</summary>
    public static async Task<int> BackupAsync(AmoHubDatabase database, string target, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (await RefuseMySqlAsync(database, "--backup", output))
        {
            return Refused;
        }

        var source = FileOf(database);
        if (!File.Exists(source))
        {
            await output.WriteLineAsync($"AmoHub cannot back up: there is no database at {source}.");
            return Refused;
        }

        var full = Path.GetFullPath(target);
        var partial = full + ".partial";
        File.Delete(partial);
        await using (var from = new SqliteConnection(database.ConnectionString))
        await using (var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = partial, Pooling = false }.ConnectionString))
        {
            await from.OpenAsync();
            await to.OpenAsync();
            from.BackupDatabase(to);
        }

        File.Move(partial, full, overwrite: true);
        await output.WriteLineAsync($"AmoHub database {source} backed up to {full} ({new FileInfo(full).Length} bytes).");
        return 0;
    }

    /// <summary>
    /// Puts a backup in place of the configured database, refusing while a process runs on it or when the file is no
    /// whole AmoHub database.
    /// </summary>
    public static async Task<int> RestoreAsync(AmoHubDatabase database, string backup, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (await RefuseMySqlAsync(database, "--restore", output))
        {
            return Refused;
        }

        var full = Path.GetFullPath(backup);
        if ((File.Exists(full) ? await ProblemOfAsync(full) : "there is no such file") is { } problem)
        {
            await output.WriteLineAsync($"AmoHub cannot restore {full}: {problem}.");
            return Refused;
        }

        var target = FileOf(database);
        await using var held = TryHold(target);
        if (held is null)
        {
            await output.WriteLineAsync($"AmoHub cannot restore into {target}: an AmoHub process runs on it. Stop it first.");
            return Refused;
        }

        await using (var from = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString))
        await using (var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target, Pooling = false }.ConnectionString))
        {
            await from.OpenAsync();
            await to.OpenAsync();
            from.BackupDatabase(to);
        }

        await output.WriteLineAsync(
            $"AmoHub database {target} restored from {full}. Start AmoHub, then reconcile its copy with amoCRM (README, Disaster recovery).");
        return 0;
    }

    private static async Task<bool> RefuseMySqlAsync(AmoHubDatabase database, string command, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (database.Provider == StorageProvider.Sqlite)
        {
            return false;
        }

        await output.WriteLineAsync(
            $"AmoHub {command} works on the embedded SQLite database; on MySQL use mysqldump --single-transaction and the restore steps in README, Disaster recovery.");
        return true;
    }

    /// <summary>Why a file is not a whole AmoHub database, or null when it is.</summary>
    private static async Task<string?> ProblemOfAsync(string file)
    {
        try
        {
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString);
            await connection.OpenAsync();
            await using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            if (await check.ExecuteScalarAsync() is not "ok")
            {
                return "SQLite finds it damaged";
            }

            check.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'amohub_schema_migrations'";
            return Convert.ToInt64(await check.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) == 1
                ? null
                : "it is no AmoHub database (it has no amohub_schema_migrations table)";
        }
        catch (SqliteException exception)
        {
            return $"SQLite cannot read it ({exception.SqliteErrorCode})";
        }
    }
}

/// <summary>
/// Holds the SQLite database for the life of the process (<see cref="SqliteFiles.TryHold"/>): a second AmoHub on the
/// same file, which would be a second cluster writing the same rows, stops at start-up, and a restore is refused.
/// </summary>
public sealed class SqliteHold(AmoHubDatabase database) : IHostedService, IAsyncDisposable
{
    private FileStream? _held;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var file = SqliteFiles.FileOf(database);
        _held = SqliteFiles.TryHold(file) ?? throw new DatabaseInUseException(file);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_held is not null)
        {
            await _held.DisposeAsync();
        }
    }
}

/// <summary>Another AmoHub process runs on this SQLite database.</summary>
public sealed class DatabaseInUseException(string file)
    : InvalidOperationException($"another AmoHub process runs on the SQLite database {file} (AmoHub:Storage:DataDirectory); one process per database.");
