using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using AmoHub.Sandbox;
using AmoHub.ServiceDefaults.Storage;

namespace AmoHub.Tests.Infrastructure;

/// <summary>
/// The processes of a multi-process test on MariaDB: an amoCRM sandbox in the test's process, two silos and a WebApi
/// as processes of their own, one account on the sandbox, and an observer of the cluster.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    private ProcessCluster(string account, TestDatabase database, SandboxServer amoCrm, IReadOnlyList<(AmoHubProcess Process, Dictionary<string, string> Settings)> silos, AmoHubProcess webApi, ClusterObserver observer)
    {
        Account = account;
        Database = database;
        AmoCrm = amoCrm;
        Silos = silos;
        WebApi = webApi;
        Observer = observer;
    }

    /// <summary>The account's subdomain.</summary>
    public string Account { get; }

    /// <summary>The cluster's database.</summary>
    public TestDatabase Database { get; }

    /// <summary>amoCRM.</summary>
    public SandboxServer AmoCrm { get; }

    /// <summary>The silos and the settings each was started with (to start it again).</summary>
    public IReadOnlyList<(AmoHubProcess Process, Dictionary<string, string> Settings)> Silos { get; }

    /// <summary>The WebApi, an Orleans client of the silos.</summary>
    public AmoHubProcess WebApi { get; }

    /// <summary>Reads the membership and the activations of the cluster.</summary>
    public ClusterObserver Observer { get; }

    /// <summary>
    /// Starts the processes with probes every <paramref name="probeInterval"/>, membership settings that declare a
    /// killed silo dead within seconds, and the webhook subscribed to the WebApi.
    /// </summary>
    public static async Task<ProcessCluster> StartAsync(string account, TimeSpan probeInterval)
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
            settings["AmoHub__Accounts__0__Subdomain"] = account;
            settings["AmoHub__Accounts__0__BaseUrl"] = new Uri(amoCrm.Url, account + "/").AbsoluteUri;
            settings["AmoHub__Accounts__0__AccessToken"] = amoCrm.AccessToken;
            settings["AmoHub__AmoCrm__RequestsPerSecond"] = "50";
            settings["AmoHub__Probes__Interval"] = probeInterval.ToString("c", CultureInfo.InvariantCulture);
            settings["AmoHub__Cluster__Membership__ProbeTimeout"] = "00:00:01";
            settings["AmoHub__Cluster__Membership__NumMissedProbesLimit"] = "2";
            settings["AmoHub__Cluster__Membership__DeathVoteExpirationTimeout"] = "00:00:10";
            settings["AmoHub__Cluster__Membership__TableRefreshTimeout"] = "00:00:02";
            silos.Add((AmoHubProcess.StartSilo(settings), settings));
        }

        // Both start at once: joining the membership table together is what a cluster's first deployment does.
        await Task.WhenAll(silos.Select(silo => silo.Item1.WaitUntilReadyAsync(TimeSpan.FromSeconds(120))));

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
        return new ProcessCluster(account, database, amoCrm, silos, webApi, observer);
    }

    /// <summary>Waits until every probe of the account has run, and tells which silo hosts each.</summary>
    public async Task<IReadOnlyDictionary<string, int>> ProbeHostsAsync(IReadOnlyList<string> checkTypes)
    {
        foreach (var check in checkTypes)
        {
            await Eventually.MatchAsync(
                () => Database.ScalarAsync($"SELECT COUNT(*) FROM health_checks WHERE account = '{Account}' AND check_type = '{check}'"),
                count => count > 0,
                TimeSpan.FromSeconds(90),
                $"a first {check} result");
        }

        return await Eventually.MatchAsync(
            () => Observer.ActivationsAsync(Account + "/probe:"),
            hosts => hosts.Count == checkTypes.Count,
            TimeSpan.FromSeconds(30),
            "every probe active");
    }

    /// <summary>The silo hosting the most probes (so at least one must move), its settings, and the other silo.</summary>
    public (AmoHubProcess Victim, Dictionary<string, string> Settings, AmoHubProcess Survivor) BusierSilo(IReadOnlyDictionary<string, int> probes)
    {
        var ordered = Silos.OrderByDescending(silo => probes.Values.Count(port => port == ClusterObserver.SiloPort(silo.Settings))).ToList();
        return (ordered[0].Process, ordered[0].Settings, ordered[1].Process);
    }

    /// <inheritdoc />
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
