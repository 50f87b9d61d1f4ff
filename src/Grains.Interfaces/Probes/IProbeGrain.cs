using Orleans.Concurrency;

namespace AmoHub.Grains.Interfaces.Probes;

/// <summary>
/// Probes one check of one amoCRM account on a schedule. Key: <c>GrainKeys.Probe</c>,
/// <c>{subdomain}/probe:{CHECK}</c>. A reminder keeps the probe scheduled across restarts and
/// failover; a grain timer runs the check at its interval.
/// </summary>
public interface IProbeGrain : IGrainWithStringKey
{
    /// <summary>Starts the probe, or applies new settings to a running one; idempotent.</summary>
    Task StartAsync(ProbeSettings settings);

    /// <summary>
    /// Stops the probe and removes its reminder; its last result stays readable. A check under way is cancelled and
    /// not recorded, so a stop never waits for a slow check (a Digital Pipeline round trip takes up to a minute).
    /// </summary>
    [AlwaysInterleave]
    Task StopAsync();

    /// <summary>The probe's settings state and last result; answered at once, even while a check is under way.</summary>
    [AlwaysInterleave]
    Task<ProbeStatus> GetStatusAsync();

    /// <summary>Runs the check once now, records and returns its result.</summary>
    Task<CheckResult> CheckNowAsync();

    /// <summary>
    /// A Digital Pipeline marker came back in one of amoCRM's webhooks (sent by the account's webhook inbox). Runs
    /// alongside the check that waits for it; a marker nobody waits for is ignored.
    /// </summary>
    [AlwaysInterleave, OneWay]
    Task DigitalPipelineEchoAsync(string marker);
}
