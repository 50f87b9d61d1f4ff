using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.Grains.Probes;

/// <summary>Runs one kind of check once.</summary>
public interface IProbeCheck
{
    /// <summary>The check type this runner serves.</summary>
    CheckType CheckType { get; }

    /// <summary>Runs the check for an account; <paramref name="cancellationToken"/> fires at the probe's timeout.</summary>
    Task<CheckOutcome> RunAsync(string account, ProbeSettings settings, CancellationToken cancellationToken);
}
