using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Storage;

namespace AmoHub.Grains.Crm.Webhooks;

/// <summary>A stored delivery waiting to be applied.</summary>
public sealed record InboxEntry(long Id, DateTimeOffset ReceivedAt, IReadOnlyList<WebhookEvent> Events);

/// <summary>
/// The <c>webhook_inbox</c> table: deliveries are written here before amoCRM gets its answer, and marked applied
/// once every event reached its grain.
/// </summary>
public sealed class WebhookInboxStore(AmoHubDatabase database)
{
    /// <summary>Most deliveries one INSERT carries; larger groups are written as several INSERTs in one transaction.</summary>
    private const int RowsPerInsert = 100;

    /// <summary>Stores deliveries in the order given, in one transaction; returns when they are committed.</summary>
    public async Task AppendAsync(string account, IReadOnlyList<WebhookDelivery> deliveries)
    {
        ArgumentNullException.ThrowIfNull(deliveries);

        // amoCRM waits for the answer (2 s at most), so the delivery goes before background writes.
        await using var write = await database.OpenWriteAsync(WritePriority.Urgent, CancellationToken.None);
        var connection = write.Connection;
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var chunk in deliveries.Chunk(RowsPerInsert))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO webhook_inbox (account, received_at, events, event_count) VALUES " +
                string.Join(", ", chunk.Select((_, i) => $"(@account, @received_at{i}, @events{i}, @event_count{i})"));
            command.With("@account", account);
            for (var i = 0; i < chunk.Length; i++)
            {
                command.With($"@received_at{i}", chunk[i].ReceivedAt.ToUnixTimeMilliseconds())
                    .With($"@events{i}", StoredWebhookEvents.Write(chunk[i].Events))
                    .With($"@event_count{i}", chunk[i].Events.Length);
            }

            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    /// <summary>The oldest deliveries not applied yet, in arrival order.</summary>
    public async Task<IReadOnlyList<InboxEntry>> PendingAsync(string account, int limit)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, received_at, events FROM webhook_inbox WHERE account = @account AND applied_at IS NULL ORDER BY id LIMIT @limit";
        command.With("@account", account).With("@limit", limit);
        await using var reader = await command.ExecuteReaderAsync();
        var entries = new List<InboxEntry>();
        while (await reader.ReadAsync())
        {
            entries.Add(new InboxEntry(
                reader.GetLong(0),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetLong(1)),
                StoredWebhookEvents.Read(reader.GetString(2))));
        }

        return entries;
    }

    /// <summary>Marks deliveries applied.</summary>
    public async Task MarkAppliedAsync(IReadOnlyList<long> ids, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return;
        }

        await using var write = await database.OpenWriteAsync(CancellationToken.None);
        var connection = write.Connection;
        await using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE webhook_inbox SET applied_at = @at WHERE id IN ({string.Join(", ", ids.Select((_, i) => $"@id{i}"))})";
        command.With("@at", at.ToUnixTimeMilliseconds());
        for (var i = 0; i < ids.Count; i++)
        {
            command.With($"@id{i}", ids[i]);
        }

        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Deletes applied deliveries received before <paramref name="before"/>, a bounded batch at a time.</summary>
    public async Task<int> PurgeAppliedAsync(string account, DateTimeOffset before, int limit)
    {
        await using var write = await database.OpenWriteAsync(CancellationToken.None);
        var connection = write.Connection;
        await using var command = connection.CreateCommand();
        command.CommandText = database.Provider == StorageProvider.MySql
            ? "DELETE FROM webhook_inbox WHERE account = @account AND applied_at IS NOT NULL AND received_at < @before ORDER BY id LIMIT @limit"
            : "DELETE FROM webhook_inbox WHERE id IN (SELECT id FROM webhook_inbox WHERE account = @account AND applied_at IS NOT NULL AND received_at < @before ORDER BY id LIMIT @limit)";
        command.With("@account", account).With("@before", before.ToUnixTimeMilliseconds()).With("@limit", limit);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>How many deliveries wait, and how many events and deliveries arrived since <paramref name="since"/>.</summary>
    public async Task<(long Pending, long EventsSince, long DeliveriesSince)> CountsAsync(string account, DateTimeOffset since)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT COUNT(*) FROM webhook_inbox WHERE account = @account AND applied_at IS NULL),
                   COALESCE(SUM(event_count), 0), COUNT(*)
            FROM webhook_inbox WHERE account = @account AND received_at >= @since
            """;
        command.With("@account", account).With("@since", since.ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetLong(0), reader.GetLong(1), reader.GetLong(2));
    }
}
