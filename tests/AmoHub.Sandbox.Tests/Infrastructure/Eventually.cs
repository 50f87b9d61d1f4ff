



namespace AmoHub.Sandbox.Tests.Infrastructure;

/// <summary>Polls until a condition holds, for things the sandbox does in the background.</summary>
public static class Eventually
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The first value of <paramref name="probe"/> that satisfies <paramref name="condition"/>.</summary>
    public static Task<T> MatchAsync<T>(Func<T> probe, Func<T, bool> condition, string what) =>
        MatchAsync(() => Task.FromResult(probe()), condition, what, TimeSpan.FromMilliseconds(25));

    /// <summary>
    /// The first value of <paramref name="probe"/> that satisfies <paramref name="condition"/>. HTTP probes are paced
    /// (4 per second), as the sandbox's rate limit counts them too.
    /// </summary>
    public static Task<T> MatchAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, string what) =>
        MatchAsync(probe, condition, what, TimeSpan.FromMilliseconds(250));

    private static async Task<T> MatchAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, string what, TimeSpan interval)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var value = await probe();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {Timeout} waiting for {what}.");
            }

            await Task.Delay(interval);
        }
    }
}
