using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Storage;
using Microsoft.Data.Sqlite;
using MySqlConnector;

namespace AmoHub.Grains.Crm.Operations;

/// <summary>
/// A stored create request: the operation as it stands, what it asks for, and how often its run failed on AmoHub's own
/// parts.
/// </summary>
public sealed record StoredOperation(long Seq, Operation Operation, Submission Submission, int CallbackAttempts, int FailedRuns);

/// <summary>
/// The <c>crm_operations</c> table: create requests stored before they are answered, their results, and the
/// <c>Idempotency-Key</c> each was sent with (unique per account).
/// </summary>
public sealed class OperationStore(AmoHubDatabase database)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The status of an operation a request is running at once: pending to its readers, not yet waiting.</summary>
    private const string Running = "running";

    private const string Columns =
        "seq, id, kind, status, answered, created_at, completed_at, result, failure_status, failure_field, reason, callback_url, request, callback_attempts, failed_runs";

    /// <summary>
    /// Stores a new operation; false when the account already has one with the submission's idempotency key (nothing is
    /// written then). One <paramref name="running"/> now is stored as <c>running</c>: shown as pending, but neither
    /// waiting nor in the backlog until <see cref="SetAnsweredAsync"/> or <see cref="RecoverRunningAsync"/> makes it so.
    /// </summary>
    public async Task<bool> InsertAsync(string account, Operation operation, Submission submission, bool running = false)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(submission);
        await using var write = await database.OpenWriteAsync(WritePriority.Urgent, CancellationToken.None);
        await using var command = write.Connection.CreateCommand();
        command.CommandText = """
            INSERT INTO crm_operations (id, account, kind, idempotency_key, fingerprint, request, status, answered, callback_url, created_at)
            VALUES (@id, @account, @kind, @key, @fingerprint, @request, @status, @answered, @callback_url, @created_at)
            """;
        command.With("@id", operation.Id)
            .With("@account", account)
            .With("@kind", Name(operation.Kind))
            .With("@key", submission.IdempotencyKey)
            .With("@fingerprint", submission.Fingerprint)
            .With("@request", JsonSerializer.Serialize(submission, Json))
            .With("@status", running ? Running : Name(operation.Status))
            .With("@answered", Name(operation.Answered))
            .With("@callback_url", submission.CallbackUrl?.AbsoluteUri)
            .With("@created_at", operation.CreatedAt.ToUnixTimeMilliseconds());
        try
        {
            await command.ExecuteNonQueryAsync();
            return true;
        }
        catch (DbException exception) when (IsDuplicateKey(exception))
        {
            return false;
        }
    }

    /// <summary>The operation the account's <paramref name="key"/> was used for, with its request's fingerprint.</summary>
    public async Task<(StoredOperation Stored, string Fingerprint)?> FindByKeyAsync(string account, string key)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns}, fingerprint FROM crm_operations WHERE account = @account AND idempotency_key = @key";
        command.With("@account", account).With("@key", key);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (Read(reader), reader.GetString(15)) : null;
    }

    /// <summary>
    /// Makes the account's running operations wait: called when its grain activates, since only that activation runs
    /// them, so one marked running was cut short by a stop.
    /// </summary>
    public async Task RecoverRunningAsync(string account)
    {
        await using var write = await database.OpenWriteAsync(CancellationToken.None);
        await using var command = write.Connection.CreateCommand();
        command.CommandText = "UPDATE crm_operations SET status = 'pending' WHERE account = @account AND status = 'running'";
        command.With("@account", account);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Frees a key used longer ago than it is kept for: the operation stays, without it.</summary>
    public async Task ForgetKeyAsync(long seq)
    {
        await using var write = await database.OpenWriteAsync(WritePriority.Urgent, CancellationToken.None);
        await using var command = write.Connection.CreateCommand();
        command.CommandText = "UPDATE crm_operations SET idempotency_key = NULL WHERE seq = @seq";
        command.With("@seq", seq);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>One operation of the account.</summary>
    public async Task<StoredOperation?> GetAsync(string account, string id)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM crm_operations WHERE account = @account AND id = @id";
        command.With("@account", account).With("@id", id);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? Read(reader) : null;
    }

    /// <summary>The oldest pending operations, in the order they were accepted.</summary>
    public Task<IReadOnlyList<StoredOperation>> PendingAsync(string account, int limit) =>
        QueryAsync("WHERE account = @account AND status = 'pending' ORDER BY seq LIMIT @limit", account, ("@limit", limit));

    /// <summary>Operations whose callback is due by <paramref name="now"/>.</summary>
    public Task<IReadOnlyList<StoredOperation>> DueCallbacksAsync(string account, DateTimeOffset now, int limit) =>
        QueryAsync("WHERE account = @account AND callback_due_at <= @now ORDER BY callback_due_at LIMIT @limit", account,
            ("@now", now.ToUnixTimeMilliseconds()), ("@limit", limit));

    /// <summary>When the account's next callback attempt is due; null when none is.</summary>
    public async Task<DateTimeOffset?> NextCallbackDueAsync(string account)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MIN(callback_due_at) FROM crm_operations WHERE account = @account";
        command.With("@account", account);
        var due = await command.ExecuteScalarAsync();
        return due is null or DBNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(due, CultureInfo.InvariantCulture));
    }

    /// <summary>A page of the account's operations, newest first, and how many there are.</summary>
    public async Task<OperationPage> ListAsync(string account, OperationStatus? status, int page, int pageSize)
    {
        var filter = status switch
        {
            null => "WHERE account = @account",
            OperationStatus.Pending => "WHERE account = @account AND status IN (@status, 'running')",
            _ => "WHERE account = @account AND status = @status",
        };
        var items = await QueryAsync($"{filter} ORDER BY seq DESC LIMIT @limit OFFSET @offset", account,
            ("@status", status is { } s ? Name(s) : null), ("@limit", pageSize), ("@offset", (long)(page - 1) * pageSize));
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM crm_operations {filter}";
        command.With("@account", account).With("@status", status is { } t ? Name(t) : null);
        var total = Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        return new OperationPage([.. items.Select(i => i.Operation)], total);
    }

    /// <summary>How many operations are pending, and when the oldest was accepted.</summary>
    public async Task<OperationsBacklog> BacklogAsync(string account)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), MIN(created_at) FROM crm_operations WHERE account = @account AND status = 'pending'";
        command.With("@account", account);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new OperationsBacklog(reader.GetLong(0), reader.GetNullableLong(1) is { } oldest ? DateTimeOffset.FromUnixTimeMilliseconds(oldest) : null);
    }

    /// <summary>
    /// Records how the operation was first answered; one that was running now waits (it is finished later, by the run
    /// that goes on or by the drain).
    /// </summary>
    public async Task SetAnsweredAsync(string id, OperationAnswer answered)
    {
        await using var write = await database.OpenWriteAsync(WritePriority.Urgent, CancellationToken.None);
        await using var command = write.Connection.CreateCommand();
        command.CommandText = "UPDATE crm_operations SET answered = @answered, status = CASE WHEN status = 'running' THEN 'pending' ELSE status END WHERE id = @id";
        command.With("@answered", Name(answered)).With("@id", id);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Records why a pending operation still waits (what amoCRM answered its last try).</summary>
    public async Task HoldAsync(string id, string? reason)
    {
        await using var write = await database.OpenWriteAsync(CancellationToken.None);
        await using var command = write.Connection.CreateCommand();
        command.CommandText = "UPDATE crm_operations SET reason = @reason, answered = CASE WHEN answered = 'none' THEN 'accepted' ELSE answered END WHERE id = @id";
        command.With("@reason", reason is null ? null : Sql.Fit(reason, 500)).With("@id", id);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Records that a pending operation's run failed on AmoHub's own parts, the <paramref name="runs"/>th time.</summary>
    public async Task FailedRunAsync(string id, int runs)
    {
        await using var write = await database.OpenWriteAsync(CancellationToken.None);
        await using var command = write.Connection.CreateCommand();
        command.CommandText = "UPDATE crm_operations SET failed_runs = @runs WHERE id = @id";
        command.With("@runs", runs).With("@id", id);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Records the end of an operation (done or failed) and how it was answered; a callback, when it has one, is due
    /// at once.
    /// </summary>
    public async Task CompleteAsync(Operation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        await using var write = await database.OpenWriteAsync(WritePriority.Urgent, CancellationToken.None);
        await using var command = write.Connection.CreateCommand();
        command.CommandText = """
            UPDATE crm_operations
            SET status = @status, answered = @answered, result = @result, failure_status = @failure_status,
                failure_field = @failure_field, reason = @reason, completed_at = @completed_at,
                callback_due_at = CASE WHEN callback_url IS NULL THEN NULL ELSE @completed_at END
            WHERE id = @id
            """;
        command.With("@status", Name(operation.Status))
            .With("@answered", Name(operation.Answered))
            .With("@result", Result(operation))
            .With("@failure_status", operation.FailureStatus)
            .With("@failure_field", operation.FailureField is { } field ? Sql.Fit(field, 200) : null)
            .With("@reason", operation.Reason is { } reason ? Sql.Fit(reason, 500) : null)
            .With("@completed_at", operation.CompletedAt?.ToUnixTimeMilliseconds())
            .With("@id", operation.Id);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Records a callback attempt: delivered (nothing more is due), or failed and due again at <paramref name="nextDue"/> (null: given up).</summary>
    public async Task CallbackAttemptedAsync(string id, int attempts, DateTimeOffset? nextDue)
    {
        await using var write = await database.OpenWriteAsync(CancellationToken.None);
        await using var command = write.Connection.CreateCommand();
        command.CommandText = "UPDATE crm_operations SET callback_attempts = @attempts, callback_due_at = @due WHERE id = @id";
        command.With("@attempts", attempts).With("@due", nextDue?.ToUnixTimeMilliseconds()).With("@id", id);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Deletes finished operations completed before <paramref name="before"/>, a bounded batch at a time.</summary>
    public async Task<int> PurgeAsync(string account, DateTimeOffset before, int limit)
    {
        await using var write = await database.OpenWriteAsync(CancellationToken.None);
        await using var command = write.Connection.CreateCommand();
        command.CommandText = database.Provider == StorageProvider.MySql
            ? "DELETE FROM crm_operations WHERE account = @account AND status <> 'pending' AND completed_at < @before AND callback_due_at IS NULL ORDER BY seq LIMIT @limit"
            : "DELETE FROM crm_operations WHERE seq IN (SELECT seq FROM crm_operations WHERE account = @account AND status <> 'pending' AND completed_at < @before AND callback_due_at IS NULL ORDER BY seq LIMIT @limit)";
        command.With("@account", account).With("@before", before.ToUnixTimeMilliseconds()).With("@limit", limit);
        return await command.ExecuteNonQueryAsync();
    }

    private async Task<IReadOnlyList<StoredOperation>> QueryAsync(string tail, string account, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM crm_operations {tail}";
        command.With("@account", account);
        foreach (var (name, value) in parameters)
        {
            command.With(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync();
        var found = new List<StoredOperation>();
        while (await reader.ReadAsync())
        {
            found.Add(Read(reader));
        }

        return found;
    }

    private static StoredOperation Read(DbDataReader reader)
    {
        var result = reader.IsDBNull(7) ? null : JsonSerializer.Deserialize<StoredResult>(reader.GetString(7), Json);
        var submission = JsonSerializer.Deserialize<Submission>(reader.GetString(12), Json)
            ?? throw new InvalidDataException("An operation without its request.");
        var operation = new Operation(
            reader.GetString(1),
            Enum.Parse<OperationKind>(reader.GetString(2), ignoreCase: true),
            reader.GetString(3) == Running ? OperationStatus.Pending : Enum.Parse<OperationStatus>(reader.GetString(3), ignoreCase: true),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetLong(5)),
            reader.GetNullableLong(6) is { } completed ? DateTimeOffset.FromUnixTimeMilliseconds(completed) : null,
            result?.Contact,
            result?.Lead,
            result?.Created ?? false,
            reader.IsDBNull(8) ? null : (int)reader.GetLong(8),
            reader.IsDBNull(9) ? null : reader.GetString(9),
            reader.IsDBNull(10) ? null : reader.GetString(10),
            Enum.Parse<OperationAnswer>(reader.GetString(4), ignoreCase: true),
            reader.IsDBNull(11) ? null : new Uri(reader.GetString(11)));
        return new StoredOperation(reader.GetLong(0), operation, submission, (int)reader.GetLong(13), (int)reader.GetLong(14));
    }

    private static string? Result(Operation operation) => operation.Status == OperationStatus.Done
        ? JsonSerializer.Serialize(new StoredResult(operation.Contact, operation.Lead, operation.Created), Json)
        : null;

    private static string Name<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static bool IsDuplicateKey(DbException exception) => exception switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == 19,
        MySqlException mySql => mySql.ErrorCode == MySqlErrorCode.DuplicateKeyEntry,
        _ => false,
    };

    /// <summary>What a done operation ended with, as the <c>result</c> column keeps it.</summary>
    private sealed record StoredResult(ContactSnapshot? Contact, LeadSnapshot? Lead, bool Created);
}
