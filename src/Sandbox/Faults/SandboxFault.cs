



namespace AmoHub.Sandbox.Faults;

/// <summary>
/// Faults switched on for one account. They apply to its <c>/api/v4</c> calls and its web UI page, not to OAuth
/// and not to the control surface.
/// </summary>
/// <param name="Latency">Added before every answer.</param>
/// <param name="FailureRate">The share of requests, 0 to 1, answered with <paramref name="FailureStatus"/>.</param>
/// <param name="FailureStatus">The status of a failed request (500, 502, 503, …); its body is an HTML edge page.</param>
/// <param name="Timeout">Accept requests and never answer within 30 seconds (unless the client gives up first).</param>
public sealed record SandboxFault(TimeSpan Latency = default, double FailureRate = 0, int FailureStatus = 500, bool Timeout = false)
{
    /// <summary>No faults: the account behaves.</summary>
    public static SandboxFault None { get; } = new();

    /// <summary>Throws unless every value is in range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Latency, TimeSpan.Zero, nameof(Latency));
        ArgumentOutOfRangeException.ThrowIfLessThan(FailureRate, 0, nameof(FailureRate));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(FailureRate, 1, nameof(FailureRate));
        ArgumentOutOfRangeException.ThrowIfLessThan(FailureStatus, 400, nameof(FailureStatus));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(FailureStatus, 599, nameof(FailureStatus));
    }
}
