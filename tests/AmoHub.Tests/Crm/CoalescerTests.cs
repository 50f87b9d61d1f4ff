using AmoHub.Grains.Crm;

namespace AmoHub.Tests.Crm;

/// <summary>How the coalescer shares runs between callers, on one scheduler as a grain runs it.</summary>
public sealed class CoalescerTests
{
    [Fact]
    public async Task A_caller_coming_back_as_soon_as_its_run_ends_joins_the_queued_run_instead_of_starting_a_second_beside_it()
    {
        var gates = new List<TaskCompletionSource>();
        var (runs, running, most) = (0, 0, 0);
        var coalescer = new Coalescer(async () =>
        {
            runs++;
            most = Math.Max(most, ++running);
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            gates.Add(gate);
            await gate.Task;
            running--;
        });

        // A grain's scheduler runs one thing at a time, continuations in the order they were registered.
        var grain = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
        await Task.Factory.StartNew(async () =>
        {
            // The import's loop: a run, and another as soon as it ends. It waits for the first run before anyone else.
            async Task LoopAsync()
            {
                await coalescer.RunAsync();
                await coalescer.RunAsync();
            }

            var loop = LoopAsync();
            var joined = coalescer.RunAsync();
            while (!Task.WhenAll(loop, joined).IsCompleted)
            {
                gates.Where(gate => !gate.Task.IsCompleted).ToList().ForEach(gate => gate.SetResult());
                await Task.Yield();
            }

            await Task.WhenAll(loop, joined);
        }, CancellationToken.None, TaskCreationOptions.None, grain).Unwrap();

        Assert.Equal(1, most);
        Assert.Equal(2, runs);
    }
}
