using System.Data.Common;
using System.Text;
using AmoHub.Grains.Storage;

namespace AmoHub.Tests.Infrastructure;

/// <summary>The grain state rows Orleans stored (<c>OrleansGrainState</c>), read and written as the database holds them.</summary>
public static class GrainStateRows
{
    /// <summary>The payload of every grain state row, as text, by grain key.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ReadAsync(TestDatabase database)
    {
        await using var connection = await database.Database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT GrainIdExtensionString, PayloadBinary FROM OrleansGrainState WHERE PayloadBinary IS NOT NULL";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, string>();
        while (await reader.ReadAsync())
        {
            rows[reader.GetString(0)] = Encoding.UTF8.GetString((byte[])reader.GetValue(1));
        }

        return rows;
    }

    /// <summary>Replaces the payload of the row of grain <paramref name="key"/>, as an older AmoHub would have written it.</summary>
    public static async Task WriteAsync(TestDatabase database, string key, string payload)
    {
        await using var connection = await database.Database.OpenAsync(CancellationToken.None);
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = "UPDATE OrleansGrainState SET PayloadBinary = @payload WHERE GrainIdExtensionString = @key";
        command.With("@payload", Encoding.UTF8.GetBytes(payload)).With("@key", key);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
