using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Probes.DigitalPipeline;

namespace AmoHub.Tests.Monitoring;

/// <summary>
/// After a restart the all-in-one's probes start before its web server listens; a Digital Pipeline write made then
/// would have its webhook sent into the void and fail the check for nothing, so the check holds its write until the
/// process receives webhooks.
/// </summary>
public sealed class DigitalPipelineReceivingTests
{
    private static readonly ProbeSettings Settings = new(new Uri("https://acme.amocrm.ru/"), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));

    [Fact]
    public async Task Webhooks_are_received_at_once_unless_held_and_a_hold_ends_when_the_server_listens()
    {
        var waiters = new DigitalPipelineWaiters();
        Assert.True(waiters.Receiving.IsCompletedSuccessfully);

        using var listening = new CancellationTokenSource();
        waiters.HoldUntil(listening.Token);
        Assert.False(waiters.Receiving.IsCompleted);

        await listening.CancelAsync();
        await waiters.Receiving.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(waiters.Receiving.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_DP_check_whose_time_runs_out_before_the_server_listens_makes_no_write()
    {
        var waiters = new DigitalPipelineWaiters();
        using var listening = new CancellationTokenSource();
        waiters.HoldUntil(listening.Token);
        using var timedOut = new CancellationTokenSource();
        await timedOut.CancelAsync();

        // No grain factory: reaching the account grain to write would fail with something other than the time-out.
        var check = new DigitalPipelineCheck(null!, waiters);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => check.RunAsync("acme", Settings, timedOut.Token));
    }
}
