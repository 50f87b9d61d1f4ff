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
        var sync = account.Sync(database, time);

        await Assert.ThrowsAsync<TimeoutException>(sync.RunAsync);
        var afterFailure = account.Cursor;
        account.FailAtCall = null;
        account.Reads.Clear();
        await sync.RunAsync();

        Assert.Equal(new SyncCursor(false, 105), afterFailure);
        Assert.Equal([(1, (long?)105)], account.Reads);
        Assert.Equal(new SyncCursor(true, 107), account.Cursor);
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (long)i), account.Applied.Distinct().Order());
        Assert.Equal(new ImportPosition(8, 101), account.Position);
    }

    [Fact]
    public async Task An_entity_changed_in_the_middle_of_an_import_does_not_push_another_out_of_the_pages_still_to_read()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_000));
        var account = new FakeAccount([.. Enumerable.Range(1, 9).Select(i => new Entity(i, 100 + i))]);
        // After the first page someone edits contact 2: it moves to the end of the list, and with numbered pages
        // contact 4 would slip into page 1, already read.
        account.AfterRead = reads => account.Change(reads == 1 ? new Entity(2, 500) : null);
        var sync = account.Sync(database, time);

        await sync.RunAsync();

        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9], account.Applied.Distinct().Order());
        Assert.Equal(new SyncCursor(true, 500), account.Cursor);
    }

    [Fact]
    public async Task A_page_of_entities_all_changed_in_one_second_is_followed_by_page_number_and_nothing_is_counted_twice()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_000));
        var account = new FakeAccount([.. Enumerable.Range(1, 7).Select(i => new Entity(i, 100))]);
        var sync = account.Sync(database, time);

        // A page a run, as the import goes: each run takes up where the last one stopped, page number included.
        for (var run = 0; run < 10 && !sync.Imported; run++)
        {
            await sync.RunAsync(maxPages: 1);
        }

        Assert.Equal([1, 2, 3, 4, 5, 6, 7], account.Applied.Distinct().Order());
        Assert.Equal([(1, null), (1, 100), (2, 100), (3, 100)], account.Reads);
        Assert.Equal(new ImportPosition(7, 100), account.Position);
    }

    [Fact]
    public void The_import_estimates_its_total_from_the_share_of_time_it_has_covered_and_its_rate_and_eta_from_what_it_read()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(10_000));
        var position = default(ImportPosition);
        var cursor = new SyncCursor(false, 0);
        var reports = new List<ImportProgress>();
        var tracker = new ImportTracker(() => position, p => position = p, () => cursor, reports.Add, time);

        tracker.Read(250, 2_000);
        cursor = new SyncCursor(false, 6_005);
        time.Advance(TimeSpan.FromSeconds(10));
        tracker.Read(250, 3_000);
        var halfway = tracker.Report();
        cursor = new SyncCursor(true, 10_010);
        tracker.Complete();

        // From 2,000 to now (10,010) the import covered 4,005 s of 8,010: half, so 500 read make about 1,000; 500 in
        // 10 s is 50 a second, and the other 500 take 10 s more.
        Assert.Equal(new ImportProgress(false, 500, 1_000, 50, TimeSpan.FromSeconds(10)), halfway);
        Assert.Equal(new ImportProgress(true, 500, 500, null, null), reports[^1]);
        Assert.Equal(2, reports.Count);
    }

    [Fact]
    public async Task An_incremental_sync_stores_its_position_page_by_page_and_ends_synced()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_000));
        var account = new FakeAccount([.. Enumerable.Range(1, 7).Select(i => new Entity(i, 100 + i))]) { Cursor = new SyncCursor(true, 103) };
        var sync = account.Sync(database, time);

        await sync.RunAsync();

        Assert.Equal([new SyncCursor(true, 105), new SyncCursor(true, 107)], account.Moves);
        Assert.Equal([(1, 103), (1, 105)], account.Reads);
        Assert.Equal(default(ImportPosition), account.Position);
    }

    private sealed record Entity(long Id, long UpdatedAt, bool IsDeleted = false) : IAmoEntity;

    /// <summary>amoCRM's list as the sync sees it: oldest change first, <see cref="PageSize"/> a page, a next link while more follow.</summary>
    private sealed class FakeAccount(IReadOnlyList<Entity> entities)
    {
        private readonly List<Entity> _entities = [.. entities];
        private int _calls;

        public Action<int>? AfterRead { get; set; }

        public ImportPosition Position { get; private set; }

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
            var matching = _entities.Where(e => from is null || e.UpdatedAt >= from).OrderBy(e => e.UpdatedAt).ThenBy(e => e.Id).ToList();
            var items = matching.Skip((page - 1) * PageSize).Take(PageSize).ToList();
            AfterRead?.Invoke(Reads.Count);
            return Task.FromResult(new SyncPage<Entity>(items, matching.Count > page * PageSize));
        }

        public void Change(Entity? entity)
        {
            if (entity is not null)
            {
                _entities.RemoveAll(e => e.Id == entity.Id);
                _entities.Add(entity);
            }
        }

        public EntitySync<Entity> Sync(TestDatabase database, TimeProvider time) =>
            new(WebhookEntity.Contact, () => "acme", ReadAsync, ApplyAsync, () => Cursor, MoveAsync,
                new ImportTracker(() => Position, position => Position = position, () => Cursor, _ => { }, time),
                new CrmDeadLetters(database.Database, time, NullLogger<CrmDeadLetters>.Instance), time);

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
