using System.Data.Common;
using System.Globalization;
using System.Text;
using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Storage;

namespace AmoHub.Grains.Monitoring.Rollups;

/// <summary>
/// Merges a batch's rollup cells into <c>health_rollups</c> inside the caller's transaction: it reads the rows the
/// batch touches (locking them on MySQL with <c>FOR UPDATE</c>; on SQLite the write transaction already excludes
/// every other writer), adds the batch to them in memory, updates those rows and inserts the new ones with a plain
/// INSERT. Two silos writing one key at once therefore either wait for each other's lock or, when both found the
/// row missing, one of them fails on the duplicate key and rolls back its whole batch to retry it: no count is
/// lost or counted twice.
/// </summary>
public static class HealthRollupStore
{
    private const int KeysPerRead = 200;
    private const int RowsPerWrite = 200;

    private static readonly string[] Key = ["account", "check_type", "resolution", "bucket_start"];

    private static readonly string[] Updated =
        ["total", "up", "warning", "down", "response_time_sum", "response_time_min", "response_time_max", "histogram"];

    private static readonly string KeyColumns = string.Join(", ", Key);

    /// <summary>The columns of <c>health_rollups</c> that hold a cell, in the order <see cref="ReadCell"/> reads them.</summary>
    public static readonly string CellColumns = string.Join(", ", Updated);

    /// <summary>Adds the batch's cells to the stored rows, creating the missing ones.</summary>
    public static async Task MergeAsync(
        DbConnection connection, DbTransaction transaction, StorageProvider provider, RollupBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var stored = new Dictionary<RollupKey, RollupCell>();
        foreach (var keys in batch.Cells.Keys.Chunk(KeysPerRead))
        {
            await ReadAsync(connection, transaction, provider, keys, stored, cancellationToken);
        }

        var updates = new List<KeyValuePair<RollupKey, RollupCell>>();
        var inserts = new List<KeyValuePair<RollupKey, RollupCell>>();
        foreach (var (key, cell) in batch.Cells)
        {
            if (stored.TryGetValue(key, out var row))
            {
                row.Add(cell);
                updates.Add(new(key, row));
            }
            else
            {
                inserts.Add(new(key, cell));
            }
        }

        var upsert = $" {Sql.OnConflictUpdate(provider, Key, Updated)}";
        foreach (var rows in inserts.Chunk(RowsPerWrite))
        {
            await WriteAsync(connection, transaction, rows, "", cancellationToken);
        }

        foreach (var rows in updates.Chunk(RowsPerWrite))
        {
            await WriteAsync(connection, transaction, rows, upsert, cancellationToken);
        }
    }

    /// <summary>Reads the cell columns (<see cref="CellColumns"/>) starting at <paramref name="ordinal"/>.</summary>
    public static RollupCell ReadCell(DbDataReader reader, int ordinal)
    {
        var cell = new RollupCell();
        AddCell(reader, ordinal, cell);
        return cell;
    }

    /// <summary>Adds the cell columns (<see cref="CellColumns"/>) starting at <paramref name="ordinal"/> to <paramref name="cell"/>.</summary>
    public static void AddCell(DbDataReader reader, int ordinal, RollupCell cell)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(cell);
        cell.AddStored(
            reader.GetLong(ordinal),
            reader.GetLong(ordinal + 1),
            reader.GetLong(ordinal + 2),
            reader.GetLong(ordinal + 3),
            reader.GetLong(ordinal + 4),
            (int)reader.GetLong(ordinal + 5),
            (int)reader.GetLong(ordinal + 6),
            (byte[])reader.GetValue(ordinal + 7));
    }

    private static async Task ReadAsync(
        DbConnection connection, DbTransaction transaction, StorageProvider provider, RollupKey[] keys,
        Dictionary<RollupKey, RollupCell> into, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var sql = new StringBuilder($"SELECT {KeyColumns}, {CellColumns} FROM health_rollups WHERE ");
        for (var i = 0; i < keys.Length; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : " OR ")}(account = @a{i} AND check_type = @c{i} AND resolution = @r{i} AND bucket_start = @b{i})");
            command.With($"@a{i}", keys[i].Account)
                .With($"@c{i}", keys[i].CheckType)
                .With($"@r{i}", keys[i].Resolution.Code())
                .With($"@b{i}", keys[i].BucketStart);
        }

        sql.Append(provider == StorageProvider.MySql ? " FOR UPDATE" : "");
        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = new RollupKey(reader.GetString(0), reader.GetString(1), RollupResolutions.FromCode(reader.GetString(2)), reader.GetLong(3));
            into[key] = ReadCell(reader, 4);
        }
    }

    private static async Task WriteAsync(
        DbConnection connection, DbTransaction transaction, KeyValuePair<RollupKey, RollupCell>[] rows, string conflict,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var sql = new StringBuilder($"INSERT INTO health_rollups ({KeyColumns}, {CellColumns}) VALUES ");
        for (var i = 0; i < rows.Length; i++)
        {
            var (key, cell) = rows[i];
            sql.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ",")}(@a{i},@c{i},@r{i},@b{i},@t{i},@u{i},@w{i},@d{i},@s{i},@mn{i},@mx{i},@h{i})");
            command.With($"@a{i}", key.Account)
                .With($"@c{i}", key.CheckType)
                .With($"@r{i}", key.Resolution.Code())
                .With($"@b{i}", key.BucketStart)
                .With($"@t{i}", cell.Total)
                .With($"@u{i}", cell.Up)
                .With($"@w{i}", cell.Warning)
                .With($"@d{i}", cell.Down)
                .With($"@s{i}", cell.ResponseTimeSum)
                .With($"@mn{i}", cell.ResponseTimeMin)
                .With($"@mx{i}", cell.ResponseTimeMax)
                .With($"@h{i}", cell.Histogram.Encode());
        }

        command.CommandText = sql.Append(conflict).ToString();
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
