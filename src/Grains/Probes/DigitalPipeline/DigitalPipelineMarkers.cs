using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace AmoHub.Grains.Probes.DigitalPipeline;

/// <summary>
/// The markers of the Digital Pipeline probe: a random 128-bit value written into the test contact's name, which
/// comes back in amoCRM's webhook. Only a marker a probe is waiting for counts, so a replayed or forged delivery
/// cannot make the check pass.
/// </summary>
public static class DigitalPipelineMarkers
{
    private const string Prefix = "AmoHub DP probe ";

    /// <summary>A new random marker.</summary>
    public static string NewMarker() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The test contact's name carrying <paramref name="marker"/>.</summary>
    public static string ContactName(string marker) => Prefix + marker;

    /// <summary>The marker in a contact name, if it carries one.</summary>
    public static bool TryParse(string? contactName, [NotNullWhen(true)] out string? marker)
    {
        marker = contactName is not null && contactName.StartsWith(Prefix, StringComparison.Ordinal) ? contactName[Prefix.Length..] : null;
        return !string.IsNullOrEmpty(marker);
    }
}

/// <summary>
/// The Digital Pipeline checks waiting on this silo for their marker to come back. The probe grain that runs the
/// check is also the one the webhook's echo is addressed to, so waiter and echo always meet on the same silo.
/// </summary>
public sealed class DigitalPipelineWaiters
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new(StringComparer.Ordinal);
    private Task _receiving = Task.CompletedTask;

    /// <summary>
    /// Completes once webhooks can reach this process: at once, unless <see cref="HoldUntil"/> made it wait. A check
    /// waits for it before its write, since amoCRM answers a change with one webhook and does not send it again for
    /// minutes: a write made while the receiver is not listening yet would fail the check for nothing.
    /// </summary>
    public Task Receiving => Volatile.Read(ref _receiving);

    /// <summary>
    /// Holds <see cref="Receiving"/> until <paramref name="listening"/> fires: the all-in-one's silo, and with it its
    /// probes, starts before its web server listens (the application's <c>ApplicationStarted</c>).
    /// </summary>
    public void HoldUntil(CancellationToken listening)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        listening.Register(() => started.TrySetResult());
        Volatile.Write(ref _receiving, started.Task);
    }

    /// <summary>Starts waiting for <paramref name="marker"/>.</summary>
    public Task Register(string marker) =>
        _waiting.GetOrAdd(marker, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Completes the wait for <paramref name="marker"/>; false when nobody waits for it.</summary>
    public bool Complete(string marker) => _waiting.TryRemove(marker, out var waiter) && waiter.TrySetResult();

    /// <summary>Stops waiting for <paramref name="marker"/>.</summary>
    public void Forget(string marker) => _waiting.TryRemove(marker, out _);
}
