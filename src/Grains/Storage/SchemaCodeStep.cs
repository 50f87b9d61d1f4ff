using System.Data.Common;

namespace AmoHub.Grains.Storage;

/// <summary>
/// Work a migration script cannot do in SQL, run right after the script of <paramref name="Version"/>, in the same
/// transaction where the engine has one. The feature whose data it changes owns it.
/// </summary>
public sealed record SchemaCodeStep(int Version, Func<DbConnection, DbTransaction?, CancellationToken, Task> RunAsync);
