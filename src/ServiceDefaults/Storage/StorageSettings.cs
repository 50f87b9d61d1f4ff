using System.ComponentModel.DataAnnotations;
using Microsoft.Data.Sqlite;
using MySqlConnector;

namespace AmoHub.ServiceDefaults.Storage;

/// <summary>The database engines AmoHub runs on.</summary>
public enum StorageProvider
{
    /// <summary>An embedded SQLite file under the data directory: the single-machine default.</summary>
    Sqlite,

    /// <summary>MySQL or MariaDB: production, and required for a cluster of several processes.</summary>
    MySql,
}

/// <summary>When a SQLite commit is on the disk.</summary>
public enum SqliteDurability
{
    /// <summary>
    /// WAL with <c>synchronous=NORMAL</c>: the log is flushed at checkpoints, not at every commit. Nothing committed is
    /// lost when AmoHub crashes or is killed; a power cut or an operating system crash may lose the last commits
    /// (the database stays consistent as of an earlier moment).
    /// </summary>
    Normal,

    /// <summary>WAL with <c>synchronous=FULL</c>: every commit waits for the disk, which limits writes to the disk's flush rate.</summary>
    Full,
}

/// <summary>Who brings the database schema up to date.</summary>
public enum MigrationMode
{
    /// <summary>Every silo applies missing migrations at start-up (one at a time, under a lock).</summary>
    OnStart,

    /// <summary>
    /// A separate run of <c>AmoHub.Silo --migrate</c> (the Kubernetes migration Job) applies them; silos only
    /// wait until the schema is current, so their database user needs no DDL rights.
    /// </summary>
    External,
}

/// <summary>Settings under <c>AmoHub:Storage</c>.</summary>
public sealed class StorageSettings : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:Storage";

    /// <summary>Which engine holds grain state, reminders, membership and the read model.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>ADO.NET connection string; required for MySql, optional for Sqlite.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Folder of the SQLite file when no connection string is given; relative to the directory AmoHub starts in.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>When a SQLite commit is on the disk; MySQL follows its own server settings.</summary>
    public SqliteDurability SqliteDurability { get; set; } = SqliteDurability.Normal;

    /// <summary>Who applies schema migrations.</summary>
    public MigrationMode Migrations { get; set; } = MigrationMode.OnStart;

    /// <summary>With <see cref="MigrationMode.External"/>: how long a silo waits for the schema before it gives up.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MigrationWaitTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        switch (Provider)
        {
            case StorageProvider.MySql when string.IsNullOrWhiteSpace(ConnectionString):
                yield return new ValidationResult(
                    "is required when AmoHub:Storage:Provider is MySql (for example Server=db;Database=amohub;User ID=amohub;Password=…).",
                    [nameof(ConnectionString)]);
                break;
            case StorageProvider.MySql when !Parses(() => new MySqlConnectionStringBuilder(ConnectionString)):
                yield return new ValidationResult("is not a valid MySQL connection string.", [nameof(ConnectionString)]);
                break;
            case StorageProvider.Sqlite when ConnectionString is not null && !Parses(() => new SqliteConnectionStringBuilder(ConnectionString)):
                yield return new ValidationResult("is not a valid SQLite connection string.", [nameof(ConnectionString)]);
                break;
            case StorageProvider.Sqlite when ConnectionString is null && string.IsNullOrWhiteSpace(DataDirectory):
                yield return new ValidationResult("must name a folder for the SQLite file.", [nameof(DataDirectory)]);
                break;
        }
    }

    private static bool Parses(Func<object> parse)
    {
        try
        {
            return parse() is not null;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
