using System.Text.Json;
using AmoHub.Grains.Crm.Webhooks;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Crm;

public sealed class WebhookInboxStoreTests
{
    /// <summary>How the inbox serialized events before it left default fields out.</summary>
    private static readonly JsonSerializerOptions WholeEvents = new(JsonSerializerDefaults.Web);

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Purging_removes_only_applied_deliveries_older_than_the_cutoff(StorageProvider engine)
    {
        using var database = await TestDatabase.CreateMigratedAsync(engine);
        var store = new WebhookInboxStore(database.Database);
        var old = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        WebhookEvent[] events = [new(WebhookEntity.Contact, WebhookAction.Add, 1, "A", null, null, old, old, [], false)];
        await store.AppendAsync("acme", [new WebhookDelivery("acme", null, [.. events], old)]);
        await store.AppendAsync("acme", [new WebhookDelivery("acme", null, [.. events], old)]);
        await store.AppendAsync("acme", [new WebhookDelivery("acme", null, [.. events], old.AddDays(30))]);
        var pending = await store.PendingAsync("acme", 10);
        await store.MarkAppliedAsync([pending[0].Id, pending[2].Id], old.AddDays(30));

        var purged = await store.PurgeAppliedAsync("acme", old.AddDays(7), 100);

        Assert.Equal(1, purged);
        Assert.Equal([pending[1].Id], (await store.PendingAsync("acme", 10)).Select(e => e.Id));
        Assert.Equal(2, await database.ScalarAsync("SELECT COUNT(*) FROM webhook_inbox"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Deliveries_appended_together_are_stored_whole_and_in_the_order_given(StorageProvider engine)
    {
        using var database = await TestDatabase.CreateMigratedAsync(engine);
        var store = new WebhookInboxStore(database.Database);
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var deliveries = Enumerable.Range(1, 250)
            .Select(i => new WebhookDelivery("acme", null, [new(WebhookEntity.Lead, WebhookAction.Update, i, $"Lead {i}", null, null, at, at, [], false)], at.AddSeconds(i)))
            .ToList();

        await store.AppendAsync("acme", deliveries);

        var pending = await store.PendingAsync("acme", 1000);
        Assert.Equal(Enumerable.Range(1, 250).Select(i => (long)i), pending.Select(entry => Assert.Single(entry.Events).Id));
        Assert.Equal(deliveries.Select(d => d.ReceivedAt), pending.Select(entry => entry.ReceivedAt));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Events_are_stored_as_arrays_of_their_fields_and_read_back_the_same_as_events_stored_as_objects_before(StorageProvider engine)
    {
        using var database = await TestDatabase.CreateMigratedAsync(engine);
        var store = new WebhookInboxStore(database.Database);
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        WebhookEvent[] events =
        [
            new(WebhookEntity.Contact, WebhookAction.Add, 1, "Алёна", null, null, null, at, [], false),
            new(WebhookEntity.Lead, WebhookAction.Status, 2, null, 142, 7, at.AddMilliseconds(1500), null, ["+79001234567", "+79007654321"], true, ["a@example.com"], true),
        ];
        // As the builds before stored them: one object per event, every field named.
        var objects = JsonSerializer.Serialize(events, WholeEvents);
        await using var connection = await database.Database.OpenAsync(CancellationToken.None);
        await using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO webhook_inbox (account, received_at, events, event_count) VALUES ('acme', 0, @events, 2)";
            insert.With("@events", objects);
            await insert.ExecuteNonQueryAsync();
        }

        await store.AppendAsync("acme", [new WebhookDelivery("acme", null, [.. events], at)]);

        var pending = await store.PendingAsync("acme", 10);

        Assert.Equal(2, pending.Count);
        Assert.All(pending, entry => Assert.Equal(JsonSerializer.Serialize(events), JsonSerializer.Serialize(entry.Events)));
        await using var read = connection.CreateCommand();
        read.CommandText = $"SELECT events FROM webhook_inbox WHERE id = {pending[1].Id}";
        var stored = (string)(await read.ExecuteScalarAsync())!;
        Assert.StartsWith("[[0,0,1,\"Алёна\",null,null,null,1767225600000,[],0,[],0],", stored, StringComparison.Ordinal);
    }
}
