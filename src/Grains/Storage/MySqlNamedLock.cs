using System.Data.Common;
using System.Globalization;

namespace AmoHub.Grains.Storage;

/// <summary>
/// A MySQL named lock (<c>GET_LOCK</c>), held by one connection until released or closed, so that silos starting
/// together take turns at start-up work (schema migrations, the first data protection key).
/// </summary>
public static class MySqlNamedLock
{
    /// <summary>Takes the lock, waiting up to <paramref name="timeout"/>; false when another connection kept it.</summary>
    public static async Task<bool> TryAcquireAsync(DbConnection connection, string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT GET_LOCK(@name, @seconds)";
        command.With("@name", name).With("@seconds", (int)timeout.TotalSeconds);
        var acquired = await command.ExecuteScalarAsync(cancellationToken);
        return Convert.ToInt64(acquired, CultureInfo.InvariantCulture) == 1;
    }

    /// <summary>Releases the lock taken on this connection.</summary>
    public static async Task ReleaseAsync(DbConnection connection, string name)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT RELEASE_LOCK(@name)";
        command.With("@name", name);
        await command.ExecuteScalarAsync(CancellationToken.None);
    }
}
