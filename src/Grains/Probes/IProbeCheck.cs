namespace AmoHub.Grains.Probes;

/// <summary>What a check saw: the HTTP status if it got an answer, and why it is not up if it is not.</summary>
public sealed record CheckOutcome(HealthStatus Status, int? HttpStatus, string? ErrorMessage);

/// <summary>Runs one kind of check once. Implementations time only their own request.</summary>
public interface IProbeCheck
{
    /// <summary>The check type this runner serves.</summary>
    CheckType CheckType { get; }

    /// <summary>Runs the check; <paramref name="cancellationToken"/> fires at the probe's timeout.</summary>
    Task<CheckOutcome> RunAsync(ProbeSettings settings, CancellationToken cancellationToken);
}
