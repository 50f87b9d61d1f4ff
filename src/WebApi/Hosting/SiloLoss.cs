namespace AmoHub.WebApi.Hosting;

/// <summary>
/// A grain call that failed because a silo it reached was lost (killed, or gone before the cluster noticed), not
/// because of the call itself; such a call succeeds when made again once the grain is placed on a live silo.
/// </summary>
public static class SiloLoss
{
    /// <summary>
    /// How long a call is made again while its silo is lost: longer than a cluster takes to declare a killed silo dead
    /// with the default membership settings, shorter than a browser waits for an answer.
    /// </summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Whether the failure is a lost silo, also when it comes wrapped (a grain calling a grain on the lost silo).</summary>
    public static bool Is(Exception? exception) => exception switch
    {
        null => false,
        SiloUnavailableException or OrleansMessageRejectionException or TimeoutException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(Is),
        _ => Is(exception.InnerException),
    };

    /// <summary>
    /// Makes <paramref name="call"/>, and again after a growing pause (250 ms doubling to 5 s) while it fails on a lost
    /// silo, for up to <see cref="Patience"/>; only for calls that are safe to make twice.
    /// </summary>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        var pause = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception exception) when (Is(exception) && time.GetElapsedTime(started) + pause < Patience)
            {
                await Task.Delay(pause, time);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }
}
