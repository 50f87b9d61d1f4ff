using AmoHub.Grains.AmoCrm;
using AmoHub.Grains.Crm;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AmoHub.Tests.Crm;

public sealed class EntitySyncTests
{
    private const int PageSize = 3;

    [Fact]
    public async Task A_first_import_cut_short_goes_on_from_the_last_page_it_stored_not_from_the_start()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_000));
        var account = new FakeAccount([.. Enumerable.Range(1, 7).Select(i => new Entity(i, 100 + i))]) { FailAtCall = 3 };
        var sync = new EntitySync<Entity>(WebhookEntity.Contact, () => "acme", account.ReadAsync, account.ApplyAsync,
            () => account.Cursor, account.MoveAsync, new CrmDeadLetters(database.Database, time, NullLogger<CrmDeadLetters>.Instance), time);

        await Assert.ThrowsAsync<TimeoutException>(sync.RunAsync);
        var afterFailure = account.Cursor;
        account.FailAtCall = null;
        account.Reads.Clear();
        await sync.RunAsync();

        Assert.Equal(new SyncCursor(false, 106), afterFailure);
        Assert.Equal([(1, (long?)106)], account.Reads);
        Assert.Equal(new SyncCursor(true, 107), account.Cursor);
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (long)i), account.Applied.Distinct().Order());
    }

    [Fact]
    public async Task An_incremental_sync_stores_its_position_page_by_page_and_ends_synced()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_000));
        var account = new FakeAccount([.. Enumerable.Range(1, 7).Select(i => new Entity(i, 100 + i))]) { Cursor = new SyncCursor(true, 103) };
        var sync = new EntitySync<Entity>(WebhookEntity.Contact, () => "acme", account.ReadAsync, account.ApplyAsync,
            () => account.Cursor, account.MoveAsync, new CrmDeadLetters(database.Database, time, NullLogger<CrmDeadLetters>.Instance), time);

        await sync.RunAsync();

        Assert.Equal([new SyncCursor(true, 105), new SyncCursor(true, 107)], account.Moves);
        Assert.All(account.Reads, read => Assert.Equal(103, read.From));
    }

    private sealed record Entity(long Id, long UpdatedAt, bool IsDeleted = false) : IAmoEntity;

    /// <summary>amoCRM's list as the sync sees it: oldest change first, <see cref="PageSize"/> a page, a next link while more follow.</summary>
    private sealed class FakeAccount(IReadOnlyList<Entity> entities)
    {
        private int _calls;

        public int? FailAtCall { get; set; }

        public SyncCursor Cursor { get; set; }

        public List<(int Page, long? From)> Reads { get; } = [];

        public List<SyncCursor> Moves { get; } = [];

        public List<long> Applied { get; } = [];

        public Task<SyncPage<Entity>> ReadAsync(int page, long? from)
        {
            if (++_calls == FailAtCall)
            {
                throw new TimeoutException("amoCRM did not answer.");
            }

            Reads.Add((page, from));
            var matching = entities.Where(e => from is null || e.UpdatedAt >= from).OrderBy(e => e.UpdatedAt).ToList();
            var items = matching.Skip((page - 1) * PageSize).Take(PageSize).ToList();
            return Task.FromResult(new SyncPage<Entity>(items, matching.Count > page * PageSize));
        }

        public Task ApplyAsync(Entity entity)
        {
            Applied.Add(entity.Id);
            return Task.CompletedTask;
        }

        public Task MoveAsync(SyncCursor cursor)
        {
            Cursor = cursor;
            Moves.Add(cursor);
            return Task.CompletedTask;
        }
    }
}
