using System.Data.Common;
using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Storage;

namespace AmoHub.Grains.Monitoring.Incidents;

/// <summary>
/// The <c>incidents</c> table. Probes open and close rows keyed by (account, check, start), so writing the same
/// opening or closing twice (a retry, a restart) changes nothing; people acknowledge incidents and leave notes.
/// </summary>
public sealed class IncidentStore(AmoHubDatabase database, TimeProvider time)
{
    /// <summary>Notes an incident shows with it; the rest are paged through its notes.</summary>
    public const int NotesShown = 20;

    private const int DetailsLength = 1000;
    private const string Columns =
        "id, account, check_type, start_time, end_time, details, error_code, http_status, acknowledged_at, acknowledged_by, maintenance";

    private static readonly string[] OpenColumns = ["account", "check_type", "start_time", "details", "error_code", "http_status", "maintenance"];
    private static readonly string[] OpenKey = ["account", "check_type", "start_time"];
    private static readonly string[] OpenUpdate = ["details", "error_code", "http_status"];

    /// <summary>
    /// Records an incident that opened at <paramref name="startedAt"/> (during a maintenance window when
    /// <paramref name="maintenance"/>) and returns its id; idempotent.
    /// </summary>
    public async Task<long> OpenAsync(
        string account, CheckType checkType, DateTimeOffset startedAt, string? details, string? errorCode, int? httpStatus, bool maintenance = false)
    {
        await using var write = await database.OpenWriteAsync(CancellationToken.None);
        var connection = write.Connection;
        await using (var upsert = connection.CreateCommand())
        {
            upsert.CommandText = Sql.Upsert(database.Provider, "incidents", OpenColumns, OpenKey, OpenUpdate);
            upsert.With("@account", account)
                .With("@check_type", checkType.ToWireName())
                .With("@start_time", startedAt.ToUnixTimeMilliseconds())
                .With("@details", Truncate(details))
                .With("@error_code", errorCode)
                .With("@http_status", httpStatus)
                .With("@maintenance", maintenance);
            await upsert.ExecuteNonQueryAsync();
        }

        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT id FROM incidents WHERE account = @account AND check_type = @check_type AND start_time = @start_time";
        select.With("@account", account).With("@check_type", checkType.ToWireName()).With("@start_time", startedAt.ToUnixTimeMilliseconds());
        return Convert.ToInt64(await select.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Closes the incident that opened at <paramref name="startedAt"/>; a closed one keeps its first end.</summary>
    public async Task CloseAsync(string account, CheckType checkType, DateTimeOffset startedAt, DateTimeOffset endedAt)
    {
        await using var write = await database.OpenWriteAsync(CancellationToken.None);
        var connection = write.Connection;
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE incidents SET end_time = @end_time, duration = @end_time - start_time
            WHERE account = @account AND check_type = @check_type AND start_time = @start_time AND end_time IS NULL
            """;
        command.With("@account", account)
            .With("@check_type", checkType.ToWireName())
            .With("@start_time", startedAt.ToUnixTimeMilliseconds())
            .With("@end_time", endedAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// When each of the incidents <paramref name="ids"/> that closed ended; ids of open incidents and of rows that do not
    /// exist are left out.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, DateTimeOffset>> EndedAsync(IReadOnlyCollection<long> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var ended = new Dictionary<long, DateTimeOffset>();
        if (ids.Count == 0)
        {
            return ended;
        }

        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id, end_time FROM incidents WHERE end_time IS NOT NULL AND id IN ({string.Join(',', ids.Select((_, i) => $"@id{i}"))})";
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            command.With($"@id{i}", id);
        }

        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ended[reader.GetInt64(0)] = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1));
        }

        return ended;
    }

    /// <summary>An account's incidents, newest first.</summary>
    public async Task<IReadOnlyList<IncidentView>> ListAsync(string account, int limit, long? beforeId, CheckType? checkType, bool openOnly)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM incidents
            WHERE account = @account
              {(beforeId is null ? "" : "AND id < @before")}
              {(checkType is null ? "" : "AND check_type = @check_type")}
              {(openOnly ? "AND end_time IS NULL" : "")}
            ORDER BY start_time DESC, id DESC
            LIMIT @limit
            """;
        command.With("@account", account).With("@before", beforeId).With("@check_type", checkType?.ToWireName()).With("@limit", limit);
        var incidents = await ReadAsync(command);
        return await WithNotesAsync(connection, incidents);
    }

    /// <summary>One incident of an account, or null.</summary>
    public async Task<IncidentView?> GetAsync(string account, long id)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM incidents WHERE account = @account AND id = @id";
        command.With("@account", account).With("@id", id);
        var incidents = await WithNotesAsync(connection, await ReadAsync(command));
        return incidents.Count == 0 ? null : incidents[0];
    }

    /// <summary>Acknowledges an incident unless it already is; false when there is no such incident.</summary>
    public async Task<bool> AcknowledgeAsync(string account, long id, string? by)
    {
        await using var write = await database.OpenWriteAsync(CancellationToken.None);
        var connection = write.Connection;
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE incidents SET acknowledged_at = @now, acknowledged_by = @by
            WHERE account = @account AND id = @id AND acknowledged_at IS NULL
            """;
        command.With("@account", account).With("@id", id).With("@now", time.GetUtcNow().ToUnixTimeMilliseconds()).With("@by", by);
        return await command.ExecuteNonQueryAsync() > 0 || await ExistsAsync(connection, account, id);
    }

    /// <summary>
    /// Adds a note to an incident, unless it has <see cref="IIncidentsGrain.MaxNotes"/> already: the count and the insert are one
    /// statement, so two writers cannot both take the last place.
    /// </summary>
    public async Task<AddedNote> AddNoteAsync(string account, long id, string? author, string text)
    {
        await using var write = await database.OpenWriteAsync(CancellationToken.None);
        var connection = write.Connection;
        var now = time.GetUtcNow();
        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText = """
                INSERT INTO incident_notes (incident_id, created_at, author, text)
                SELECT id, @now, @author, @text FROM incidents
                WHERE account = @account AND id = @id AND (SELECT COUNT(*) FROM incident_notes WHERE incident_id = @id) < @max
                """;
            insert.With("@account", account).With("@id", id).With("@now", now.ToUnixTimeMilliseconds()).With("@author", author)
                .With("@text", text).With("@max", IIncidentsGrain.MaxNotes);
            if (await insert.ExecuteNonQueryAsync() == 0)
            {
                return new AddedNote(await ExistsAsync(connection, account, id) ? NoteOutcome.Full : NoteOutcome.NoIncident, null);
            }
        }

        await using var lastId = connection.CreateCommand();
        lastId.CommandText = database.Provider == StorageProvider.MySql ? "SELECT LAST_INSERT_ID()" : "SELECT last_insert_rowid()";
        var noteId = Convert.ToInt64(await lastId.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        return new AddedNote(NoteOutcome.Added, new IncidentNote(DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()), author, text, noteId));
    }

    /// <summary>An incident's notes, newest first; null when the account has no such incident.</summary>
    public async Task<IReadOnlyList<IncidentNote>?> ListNotesAsync(string account, long id, int limit, long? beforeId)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        if (!await ExistsAsync(connection, account, id))
        {
            return null;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT id, created_at, author, text FROM incident_notes
            WHERE incident_id = @id {(beforeId is null ? "" : "AND id < @before")}
            ORDER BY id DESC LIMIT @limit
            """;
        command.With("@id", id).With("@before", beforeId).With("@limit", limit);
        var notes = new List<IncidentNote>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            notes.Add(ReadNote(reader, 0));
        }

        return notes;
    }

    private static async Task<bool> ExistsAsync(DbConnection connection, string account, long id)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM incidents WHERE account = @account AND id = @id";
        command.With("@account", account).With("@id", id);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private async Task<List<IncidentView>> ReadAsync(DbCommand command)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var incidents = new List<IncidentView>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var start = reader.GetLong(3);
            var end = reader.GetNullableLong(4);
            if (!CheckTypes.TryParse(reader.GetString(2), out var checkType))
            {
                continue;
            }

            incidents.Add(new IncidentView(
                reader.GetLong(0),
                reader.GetString(1),
                checkType,
                DateTimeOffset.FromUnixTimeMilliseconds(start),
                end is { } ended ? DateTimeOffset.FromUnixTimeMilliseconds(ended) : null,
                Math.Max(0, (end ?? now) - start),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : (int)reader.GetLong(7),
                reader.GetNullableLong(8) is { } acknowledged ? DateTimeOffset.FromUnixTimeMilliseconds(acknowledged) : null,
                reader.IsDBNull(9) ? null : reader.GetString(9),
                [],
                Maintenance: reader.GetLong(10) != 0));
        }

        return incidents;
    }

    /// <summary>The incidents with how many notes each holds and its newest <see cref="NotesShown"/>, oldest of them first.</summary>
    private static async Task<IReadOnlyList<IncidentView>> WithNotesAsync(DbConnection connection, List<IncidentView> incidents)
    {
        if (incidents.Count == 0)
        {
            return incidents;
        }

        await using var command = connection.CreateCommand();
        var names = incidents.Select((incident, i) => $"@i{i}").ToList();
        command.CommandText = $"""
            SELECT incident_id, total, id, created_at, author, text FROM (
                SELECT incident_id, id, created_at, author, text,
                       ROW_NUMBER() OVER (PARTITION BY incident_id ORDER BY id DESC) AS newest,
                       COUNT(*) OVER (PARTITION BY incident_id) AS total
                FROM incident_notes WHERE incident_id IN ({string.Join(", ", names)})
            ) numbered
            WHERE newest <= @shown
            ORDER BY incident_id, id
            """;
        for (var i = 0; i < incidents.Count; i++)
        {
            command.With(names[i], incidents[i].Id);
        }

        command.With("@shown", NotesShown);
        var notes = new Dictionary<long, (List<IncidentNote> Newest, int Total)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var id = reader.GetLong(0);
                if (!notes.TryGetValue(id, out var entry))
                {
                    notes[id] = entry = ([], (int)reader.GetLong(1));
                }

                entry.Newest.Add(ReadNote(reader, 2));
            }
        }

        return incidents.Select(incident => notes.TryGetValue(incident.Id, out var entry)
            ? incident with { Notes = entry.Newest, NotesCount = entry.Total }
            : incident).ToList();
    }

    private static IncidentNote ReadNote(DbDataReader reader, int first) => new(
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetLong(first + 1)),
        reader.IsDBNull(first + 2) ? null : reader.GetString(first + 2),
        reader.GetString(first + 3),
        reader.GetLong(first));

    private static string? Truncate(string? text) =>
        text is null || text.Length <= DetailsLength ? text : text[..DetailsLength];
}
