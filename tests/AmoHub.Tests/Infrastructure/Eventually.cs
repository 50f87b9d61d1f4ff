using System.Collections;

namespace AmoHub.Tests.Infrastructure;

/// <summary>Polls until a condition holds; fails with the last value seen when it does not in time.</summary>
public static class Eventually
{
    /// <summary>Returns the first value of <paramref name="probe"/> that satisfies <paramref name="condition"/>.</summary>
    public static async Task<T> MatchAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        do
        {
            last = await probe();
            if (condition(last))
            {
                return last;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"Timed out after {timeout} waiting for {what}; last value: {Describe(last)}");
    }

    /// <summary>A value as the failure shows it: a sequence by its items (JSON elements print as JSON).</summary>
    private static string? Describe(object? value) =>
        value is IEnumerable items and not string ? "[" + string.Join(", ", items.Cast<object?>()) + "]" : value?.ToString();
}
