using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using AmoHub.Sandbox;
using AmoHub.ServiceDefaults.Storage;
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
        await using var cluster = await Cluster.StartAsync();
        var probes = await cluster.ProbeHostsAsync();
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
        await using var cluster = await Cluster.StartAsync();
        var probes = await cluster.ProbeHostsAsync();
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

    /// <summary>The processes of one test: an amoCRM sandbox, two silos, a WebApi, and an observer of the cluster.</summary>
    private sealed class Cluster : IAsyncDisposable
    {
        private Cluster(TestDatabase database, SandboxServer amoCrm, IReadOnlyList<(AmoHubProcess Process, Dictionary<string, string> Settings)> silos, AmoHubProcess webApi, ClusterObserver observer)
        {
            Database = database;
            AmoCrm = amoCrm;
            Silos = silos;
            WebApi = webApi;
            Observer = observer;
        }

        public TestDatabase Database { get; }

        public SandboxServer AmoCrm { get; }

        public IReadOnlyList<(AmoHubProcess Process, Dictionary<string, string> Settings)> Silos { get; }

        public AmoHubProcess WebApi { get; }

        public ClusterObserver Observer { get; }

        public static async Task<Cluster> StartAsync()
        {
            var database = await TestDatabase.CreateAsync(StorageProvider.MySql);
            var amoCrm = await StandaloneSandbox.StartAsync(settings =>
            {
                settings.RequestsPerSecond = 60;
                settings.WebhookRetrySchedule = [.. Enumerable.Repeat(TimeSpan.FromSeconds(1), 30)];
                // A silo killed mid-delivery fails deliveries, and a loaded machine answers some after amoCRM's 2 s:
                // they come again a second later. The test is about failover, so failures must not get the webhook
                // disabled and end the webhook traffic.
                settings.DisableWebhookAfterFailures = 1_000_000;
            });
            var silos = new List<(AmoHubProcess, Dictionary<string, string>)>();
            for (var i = 0; i < 2; i++)
            {
                var settings = SiloSettings.For(database, role: "Silo");
                settings["AmoHub__Accounts__0__Subdomain"] = Account;
                settings["AmoHub__Accounts__0__BaseUrl"] = new Uri(amoCrm.Url, Account + "/").AbsoluteUri;
                settings["AmoHub__Accounts__0__AccessToken"] = amoCrm.AccessToken;
                settings["AmoHub__AmoCrm__RequestsPerSecond"] = "50";
                settings["AmoHub__Probes__Interval"] = ProbeInterval.ToString("c", CultureInfo.InvariantCulture);
                settings["AmoHub__Cluster__Membership__ProbeTimeout"] = "00:00:01";
                settings["AmoHub__Cluster__Membership__NumMissedProbesLimit"] = "2";
                settings["AmoHub__Cluster__Membership__DeathVoteExpirationTimeout"] = "00:00:10";
                settings["AmoHub__Cluster__Membership__TableRefreshTimeout"] = "00:00:02";
                var silo = AmoHubProcess.StartSilo(settings);
                await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
                silos.Add((silo, settings));
            }

            var webApi = AmoHubProcess.StartWebApi(SiloSettings.ForWebApi(database));
            await webApi.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
            var observer = await ClusterObserver.ConnectAsync(database);
            await Eventually.MatchAsync(
                observer.SilosAsync,
                hosts => hosts.Count(host => host.Status == SiloStatus.Active) == 2,
                TimeSpan.FromSeconds(60),
                "both silos active");

            using var subscribed = await webApi.Http.PostAsJsonAsync("/api/amocrm/webhooks", new { publicUrl = webApi.BaseAddress });
            Assert.Equal(HttpStatusCode.OK, subscribed.StatusCode);
            return new Cluster(database, amoCrm, silos, webApi, observer);
        }

        /// <summary>Waits until every probe of the account has run, and tells which silo hosts each.</summary>
        public async Task<IReadOnlyDictionary<string, int>> ProbeHostsAsync()
        {
            foreach (var check in CheckTypes)
            {
                await Eventually.MatchAsync(
                    () => Database.ScalarAsync($"SELECT COUNT(*) FROM health_checks WHERE account = '{Account}' AND check_type = '{check}'"),
                    count => count > 0,
                    TimeSpan.FromSeconds(90),
                    $"a first {check} result");
            }

            return await Eventually.MatchAsync(
                () => Observer.ActivationsAsync(Account + "/probe:"),
                hosts => hosts.Count == CheckTypes.Length,
                TimeSpan.FromSeconds(30),
                "all five probes active");
        }

        /// <summary>The silo hosting the most probes (so at least one must move), its settings, and the other silo.</summary>
        public (AmoHubProcess Victim, Dictionary<string, string> Settings, AmoHubProcess Survivor) BusierSilo(IReadOnlyDictionary<string, int> probes)
        {
            var ordered = Silos.OrderByDescending(silo => probes.Values.Count(port => port == ClusterObserver.SiloPort(silo.Settings))).ToList();
            return (ordered[0].Process, ordered[0].Settings, ordered[1].Process);
        }

        public async ValueTask DisposeAsync()
        {
            await Observer.DisposeAsync();
            await WebApi.DisposeAsync();
            foreach (var (silo, _) in Silos)
            {
                await silo.DisposeAsync();
            }

            await AmoCrm.DisposeAsync();
            Database.Dispose();
        }
    }
}
