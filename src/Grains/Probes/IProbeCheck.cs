using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.Grains.Probes;

/// <summary>
/// What a check saw: the HTTP status if it got an answer, why it is not up if it is not, and the request's own
/// response time when the check measured it itself (API checks wait for the account's budget first), and a short
/// error code (<see cref="CheckErrorCodes"/>). <c>StartedAt</c> is when the measured request went out, when that was
/// later than the check began (after the wait for a budget slot).
/// </summary>
public sealed record CheckOutcome(
    HealthStatus Status, int? HttpStatus, string? ErrorMessage, int? ResponseTimeMs = null, string? ErrorCode = null, DateTimeOffset? StartedAt = null);

/// <summary>Runs one kind of check once.</summary>
public interface IProbeCheck
{
    /// <summary>The check type this runner serves.</summary>
    CheckType CheckType { get; }

    /// <summary>Runs the check for an account; <paramref name="cancellationToken"/> fires at the probe's timeout.</summary>
    Task<CheckOutcome> RunAsync(string account, ProbeSettings settings, CancellationToken cancellationToken);
}
