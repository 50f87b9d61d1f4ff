using AmoHub.Tests.Infrastructure;
using Xunit.Abstractions;

namespace AmoHub.Tests.Foundation;

/// <summary>
/// Two silos and a WebApi as separate processes on MariaDB, under steady CRM and webhook traffic, while one silo
/// is killed or stopped: nothing AmoHub accepted is lost, and the cluster heals.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const string Account = "acme";
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(5);
    private static readonly string[] CheckTypes = ["GET", "POST", "WEB", "HOOK", "DP"];

    [Fact]
    public async Task A_silo_killed_with_SIGKILL_loses_no_accepted_request_its_probes_resume_on_the_survivor_and_it_rejoins()
    {
        await using var cluster = await ProcessCluster.StartAsync(Account, ProbeInterval);
        var probes = await cluster.ProbeHostsAsync(CheckTypes);
        var (victim, victimSettings, survivor) = cluster.BusierSilo(probes);
        var victimProbes = probes.Where(pair => pair.Value == ClusterObserver.SiloPort(victimSettings)).Select(pair => pair.Key[(Account + "/probe:").Length..]).ToList();
        output.WriteLine($"probes on the silo to be killed: {string.Join(", ", victimProbes)}; on the survivor: {probes.Count - victimProbes.Count}");

        await using var traffic = CrmTraffic.Start(cluster.WebApi.BaseAddress, cluster.AmoCrm, Account);
        await WaitForAcceptedAsync(traffic, 20, "traffic before the kill");

        var killedAt = DateTimeOffset.UtcNow;
        var acceptedBeforeKill = traffic.Accepted;
        await victim.KillAsync();
        await Eventually.MatchAsync(
            cluster.Observer.SilosAsync,
            silos => silos.Any(silo => silo.Port == ClusterObserver.SiloPort(victimSettings) && silo.Status == SiloStatus.Dead),
            TimeSpan.FromSeconds(90),
            "the survivor to declare the killed silo dead");
        var declaredDeadAt = DateTimeOffset.UtcNow;
        output.WriteLine($"declared dead {(declaredDeadAt - killedAt).TotalSeconds:0.0} s after SIGKILL");

        foreach (var check in victimProbes)
        {
            var resumed = await Eventually.MatchAsync(
                () => cluster.Database.ScalarAsync(
                    $"SELECT COALESCE(MIN(timestamp), 0) FROM health_checks WHERE account = '{Account}' AND check_type = '{check}' AND timestamp > {killedAt.ToUnixTimeMilliseconds()}"),
                first => first > 0,
                TimeSpan.FromSeconds(60),
                $"a {check} result after the kill");
            var after = DateTimeOffset.FromUnixTimeMilliseconds(resumed) - declaredDeadAt;
            output.WriteLine($"{check} resumed {after.TotalSeconds:0.0} s after the silo was declared dead ({(DateTimeOffset.FromUnixTimeMilliseconds(resumed) - killedAt).TotalSeconds:0.0} s after SIGKILL)");
            Assert.True(after <= 2 * ProbeInterval, $"{check} resumed {after.TotalSeconds:0.0} s after the death was declared, more than two intervals ({2 * ProbeInterval.TotalSeconds} s)");
        }

        await WaitForAcceptedAsync(traffic, acceptedBeforeKill + 20, "traffic served by the survivor");

        await using var restarted = AmoHubProcess.StartSilo(victimSettings);
        await restarted.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
        await Eventually.MatchAsync(
            cluster.Observer.SilosAsync,
            silos => silos.Count(silo => silo.Status == SiloStatus.Active) == 2
                     && silos.Any(silo => silo.Port == ClusterObserver.SiloPort(victimSettings) && silo.Status == SiloStatus.Active),
            TimeSpan.FromSeconds(90),
            "the restarted silo to rejoin as Active");
        await WaitForAcceptedAsync(traffic, traffic.Accepted + 10, "traffic after the rejoin");
        await traffic.StopAsync();

        output.WriteLine($"accepted {traffic.Accepted} API requests and {traffic.DeliveriesAccepted} webhook deliveries; refused: {traffic.Refused}");
        await traffic.AssertNothingLostAsync(cluster.Database, TimeSpan.FromSeconds(120));
        Assert.False(survivor.HasExited);
    }

    [Fact]
    public async Task A_silo_stopped_with_SIGTERM_under_traffic_drains_exits_zero_and_a_rolling_restart_loses_nothing()
    {
        await using var cluster = await ProcessCluster.StartAsync(Account, ProbeInterval);
        var probes = await cluster.ProbeHostsAsync(CheckTypes);
        var (victim, victimSettings, _) = cluster.BusierSilo(probes);

        await using var traffic = CrmTraffic.Start(cluster.WebApi.BaseAddress, cluster.AmoCrm, Account);
        await WaitForAcceptedAsync(traffic, 20, "traffic before the stop");

        var stoppedAt = DateTimeOffset.UtcNow;
        var exitCode = await victim.StopAsync();
        output.WriteLine($"SIGTERM to exit: {(DateTimeOffset.UtcNow - stoppedAt).TotalSeconds:0.0} s");
        Assert.True(exitCode == 0, $"the silo exited with {exitCode}:\n{victim.Output}");
        var acceptedAtStop = traffic.Accepted;

        // A rolling restart: the stopped silo comes back and traffic goes on through both.
        await using var restarted = AmoHubProcess.StartSilo(victimSettings);
        await restarted.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
        await WaitForAcceptedAsync(traffic, acceptedAtStop + 20, "traffic after the restart");
        await traffic.StopAsync();

        output.WriteLine($"accepted {traffic.Accepted} API requests and {traffic.DeliveriesAccepted} webhook deliveries; refused: {traffic.Refused}");
        await traffic.AssertNothingLostAsync(cluster.Database, TimeSpan.FromSeconds(120));
        foreach (var check in CheckTypes)
        {
            await Eventually.MatchAsync(
                () => cluster.Database.ScalarAsync(
                    $"SELECT COUNT(*) FROM health_checks WHERE account = '{Account}' AND check_type = '{check}' AND timestamp > {stoppedAt.ToUnixTimeMilliseconds()}"),
                count => count > 0,
                TimeSpan.FromSeconds(60),
                $"{check} results after the stop");
        }
    }

    private static Task WaitForAcceptedAsync(CrmTraffic traffic, int count, string what) =>
        Eventually.MatchAsync(() => Task.FromResult(traffic.Accepted), accepted => accepted >= count, TimeSpan.FromSeconds(120), $"{count} accepted requests ({what})");
}
