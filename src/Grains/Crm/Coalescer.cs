



namespace AmoHub.Grains.Crm;

/// <summary>
/// Runs a piece of work for every caller without running it more than needed, and never two runs at once: a caller
/// arriving while a run is in flight waits for one more run that starts after it (the run in flight may have started
/// before the caller's need), and every caller arriving before that next run starts shares it. Single-threaded use (a
/// grain).
/// </summary>
public sealed class Coalescer(Func<Task> work)
{
    private Task? _current;
    private Task? _next;

    /// <summary>Runs the work, or joins the next run.</summary>
    public Task RunAsync()
    {
        // A next run is queued: it has not started yet, so it serves this caller too. Starting another here, when the
        // run before it has just ended, would run the two side by side.
        if (_next is not null)
        {
            return _next;
        }

        if (_current is null || _current.IsCompleted)
        {
            return _current = work();
        }

        return _next = FollowAsync(_current);
    }

    private async Task FollowAsync(Task previous)
    {
        try
        {
            await previous;
        }
        catch (Exception)
        {
            // The earlier run's callers see its failure; this run is a fresh attempt for the later callers.
        }

        _next = null;
        var run = work();
        _current = run;
        await run;
    }
}
