using System.Data.Common;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Storage;

namespace AmoHub.Grains.Crm;

/// <summary>
/// The code step of migration 7: recomputes <c>name_key</c> of every contact and lead under today's
/// <see cref="NameKeys"/> rule, so rows written under the older rule (case and spacing only) are found by the new one.
/// Only rows whose key changes are written.
/// </summary>
public static class NameKeyRekey
{
    /// <summary>The step as the schema migrator takes it.</summary>
    public static SchemaCodeStep Step { get; } = new(7, RunAsync);

    /// <summary>Rewrites every key that the rule changes.</summary>
    public static async Task RunAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        foreach (var table in new[] { "contacts", "leads" })
        {
            var changed = new List<(long Id, string Key)>();
            await using (var read = connection.CreateCommand())
            {
                read.Transaction = transaction;
                read.CommandText = $"SELECT id, name, name_key FROM {table}";
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var key = CrmReadModel.NameKeyOf(reader.GetString(1));
                    if (!string.Equals(key, reader.GetString(2), StringComparison.Ordinal))
                    {
                        changed.Add((reader.GetInt64(0), key));
                    }
                }
            }

            foreach (var (id, key) in changed)
            {
                await using var update = connection.CreateCommand();
                update.Transaction = transaction;
                update.CommandText = $"UPDATE {table} SET name_key = @key WHERE id = @id";
                update.With("@key", key).With("@id", id);
                await update.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }
}
