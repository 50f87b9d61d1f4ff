using System.Diagnostics;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.Grains.Probes.DigitalPipeline;

/// <summary>
/// DP: a round trip through amoCRM's automation. The account grain renames the account's test contact to carry a
/// fresh marker (inside the account's request budget); the check then waits for amoCRM's webhook about that change,
/// which reaches the probe through the authenticated webhook receiver and the inbox. The response time is the
/// write's own time plus the wait for the webhook, never the wait for the budget. No write goes out before this
/// process's webhook receiver listens (<see cref="DigitalPipelineWaiters.Receiving"/>): after a restart the probes
/// start before the web server does, and amoCRM would send the webhook of such a write into the void.
/// </summary>
public sealed class DigitalPipelineCheck(IGrainFactory grains, DigitalPipelineWaiters waiters) : IProbeCheck
{
    /// <inheritdoc />
    public CheckType CheckType => CheckType.Dp;

    /// <inheritdoc />
    public async Task<CheckOutcome> RunAsync(string account, ProbeSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await waiters.Receiving.WaitAsync(cancellationToken);
        var marker = DigitalPipelineMarkers.NewMarker();
        var arrival = waiters.Register(marker);
        try
        {
            var write = await grains.GetGrain<IAccountGrain>(GrainKeys.Account(account)).ProbeApiAsync(CheckType.Dp, settings.Timeout, marker);
            if (write.Status != HealthStatus.Up)
            {
                return write;
            }

            var written = Stopwatch.GetTimestamp();
            try
            {
                await arrival.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return new CheckOutcome(
                    HealthStatus.Down,
                    write.HttpStatus,
                    $"The test contact was changed (HTTP {write.HttpStatus}) but amoCRM's webhook about it did not arrive within {settings.Timeout.TotalSeconds:0.#} s.",
                    (write.ResponseTimeMs ?? 0) + (int)Stopwatch.GetElapsedTime(written).TotalMilliseconds,
                    CheckErrorCodes.NoWebhook,
                    write.StartedAt);
            }

            return new CheckOutcome(HealthStatus.Up, write.HttpStatus, null, (write.ResponseTimeMs ?? 0) + (int)Stopwatch.GetElapsedTime(written).TotalMilliseconds,
                StartedAt: write.StartedAt);
        }
        finally
        {
            waiters.Forget(marker);
        }
    }
}
