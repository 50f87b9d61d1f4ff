using System.Data.Common;
using System.Globalization;
using AmoHub.ServiceDefaults.Storage;

namespace AmoHub.Grains.Storage;

/// <summary>Small helpers for the read model's hand-written SQL, the same on SQLite and MySQL where it can be.</summary>
public static class Sql
{
    /// <summary>Adds a named parameter; null becomes DBNull.</summary>
    public static DbCommand With(this DbCommand command, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }

    /// <summary>
    /// Text cut to fit a column of <paramref name="length"/> characters (MySQL refuses longer text in strict mode),
    /// never between the two halves of a surrogate pair.
    /// </summary>
    public static string Fit(string text, int length)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= length)
        {
            return text;
        }

        return char.IsHighSurrogate(text[length - 1]) ? text[..(length - 1)] : text[..length];
    }

    /// <summary>
    /// An INSERT of one row that updates <paramref name="update"/> columns when a row with the same unique key exists
    /// (see <see cref="OnConflictUpdate"/>).
    /// </summary>
    public static string Upsert(StorageProvider provider, string table, string[] columns, string[] key, string[] update) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(c => "@" + c))}) {OnConflictUpdate(provider, key, update)}";

    /// <summary>
    /// The tail of an INSERT that sets the <paramref name="update"/> columns to the inserted values when a row with the
    /// same <paramref name="key"/> exists: <c>ON DUPLICATE KEY UPDATE</c> on MySQL, <c>ON CONFLICT … DO UPDATE</c> on SQLite.
    /// </summary>
    public static string OnConflictUpdate(StorageProvider provider, string[] key, string[] update) => provider == StorageProvider.MySql
        ? $"ON DUPLICATE KEY UPDATE {string.Join(", ", update.Select(c => $"{c} = VALUES({c})"))}"
        : $"ON CONFLICT ({string.Join(", ", key)}) DO UPDATE SET {string.Join(", ", update.Select(c => $"{c} = excluded.{c}"))}";

    /// <summary>Reads a column as a nullable long whatever integer type the engine returns.</summary>
    public static long? GetNullableLong(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    /// <summary>Reads a column as a long whatever integer type the engine returns.</summary>
    public static long GetLong(this DbDataReader reader, int ordinal) =>
        Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);
}
