using System.Globalization;
using AmoHub.Grains.AmoCrm;

namespace AmoHub.Tests.Crm;

/// <summary>How create cycles gather their callers while amoCRM's budget is full.</summary>
public sealed class DedupCreatePumpTests
{
    [Fact]
    public async Task Callers_arriving_while_the_budget_is_full_share_one_sync_and_one_create()
    {
        var room = new TaskCompletionSource();
        var syncs = 0;
        var batches = new List<IReadOnlyList<string>>();
        var pump = new DedupCreatePump<string, string>(
            keyOf: phone => phone,
            roomAsync: () => room.Task,
            syncAsync: async () =>
            {
                await Task.Yield();
                syncs++;
                return true;
            },
            findAsync: (_, _) => Task.FromResult<string?>(null),
            createAsync: items =>
            {
                batches.Add(items);
                return Task.FromResult<IReadOnlyList<string>>([.. items.Select(phone => "contact " + phone)]);
            },
            new AmoCrmSettings(),
            backOffAsync: _ => Task.CompletedTask);

        var first = pump.EnqueueAsync("+79030000001");
        var second = pump.EnqueueAsync("+79030000002");
        var third = pump.EnqueueAsync("+79030000001");
        Assert.Equal(0, syncs);
        room.SetResult();

        var answers = await Task.WhenAll(first, second, third);

        Assert.Equal(1, syncs);
        Assert.Equal(["+79030000001", "+79030000002"], Assert.Single(batches));
        Assert.Equal([("contact +79030000001", true), ("contact +79030000002", true), ("contact +79030000001", false)], answers);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_lookup_learns_whether_our_copy_is_complete_so_that_a_partial_copy_asks_amoCRM(bool imported)
    {
        var asked = new List<(string Phone, bool Complete)>();
        var pump = new DedupCreatePump<string, string>(
            keyOf: phone => phone,
            roomAsync: () => Task.CompletedTask,
            syncAsync: () => Task.FromResult(imported),
            findAsync: (phone, complete) =>
            {
                asked.Add((phone, complete));
                return Task.FromResult<string?>(phone == "+79030000001" ? "held" : null);
            },
            createAsync: items => Task.FromResult<IReadOnlyList<string>>([.. items.Select(phone => "new " + phone)]),
            new AmoCrmSettings(),
            backOffAsync: _ => Task.CompletedTask);

        var answers = await Task.WhenAll(pump.EnqueueAsync("+79030000001"), pump.EnqueueAsync("+79030000002"));

        Assert.Equal([("+79030000001", imported), ("+79030000002", imported)], asked.Order());
        Assert.Equal([("held", false), ("new +79030000002", true)], answers);
    }

    [Theory]
    [InlineData(120, new[] { 50, 50, 20 })]
    [InlineData(300, new[] { 50, 50, 50, 50, 50, 50 })]
    [InlineData(512, new[] { 171, 171, 170 })]
    [InlineData(3000, new[] { 250, 250, 250, 250, 250, 250, 250, 250, 250, 250, 250, 250 })]
    public async Task A_cycle_keeps_the_configured_batch_while_its_creates_fit_in_a_second_of_budget_and_then_uses_the_fewest_requests(int callers, int[] expected)
    {
        // 7 requests a second: one for the sync, six for creates. Up to 300 fit in six batches of 50; more are made in
        // as few requests of amoCRM's 250 at most as will hold them, evenly filled.
        var room = new TaskCompletionSource();
        var batches = new List<int>();
        var pump = new DedupCreatePump<string, string>(
            keyOf: phone => phone,
            roomAsync: () => room.Task,
            syncAsync: () => Task.FromResult(true),
            findAsync: (_, _) => Task.FromResult<string?>(null),
            createAsync: items =>
            {
                batches.Add(items.Count);
                return Task.FromResult<IReadOnlyList<string>>([.. items]);
            },
            new AmoCrmSettings { RequestsPerSecond = 7, CreateBatchSize = 50, MaxPerCycle = 5000 },
            backOffAsync: _ => Task.CompletedTask);

        var answers = Enumerable.Range(0, callers).Select(i => pump.EnqueueAsync(string.Create(CultureInfo.InvariantCulture, $"+7903{i:D7}"))).ToList();
        room.SetResult();
        await Task.WhenAll(answers);

        Assert.Equal(expected, batches);
    }

    [Fact]
    public async Task Waiting_for_room_in_the_budget_takes_no_slot()
    {
        var budget = new RequestBudget(2, TimeSpan.Zero, TimeProvider.System);
        (await budget.WaitAsync(CancellationToken.None)).Dispose();
        (await budget.WaitAsync(CancellationToken.None)).Dispose();

        var room = budget.WaitForRoomAsync(CancellationToken.None);
        Assert.False(room.IsCompleted, "two requests answered just now fill a budget of two a second");
        await room.WaitAsync(TimeSpan.FromSeconds(5));

        var slots = new[] { budget.WaitAsync(CancellationToken.None), budget.WaitAsync(CancellationToken.None) };
        Assert.All(slots, slot => Assert.True(slot.IsCompletedSuccessfully, "the wait for room left both slots free"));
        Assert.False(budget.WaitAsync(CancellationToken.None).IsCompleted, "a third request in the same second waits");
    }
}
