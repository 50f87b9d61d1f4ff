using System.Globalization;
using AmoHub.Sandbox.Faults;
using AmoHub.ServiceDefaults.Storage;

namespace AmoHub.Bench;

/// <summary>
/// <c>restart</c>: N accounts with all five probes on AmoHub (one all-in-one, or two clustered on MySQL), some of them
/// failing so that incidents are open and their alerts on their way, then one AmoHub process stopped with SIGTERM or
/// SIGKILL and started again on the same database. Measured: how long the process took to stop and to be ready again,
/// whether every probe ran again within one interval of ready and on its slot, whether a slot ran twice, incidents on
/// healthy accounts (false), and every alert the failing accounts' incidents were due: DOWN and RESTORED each posted
/// exactly once to the deployment's Mattermost (a stand-in here that keeps every post's delivery id).
/// </summary>
public static class RestartScenario
{
    private const int SetupConnections = 8;

    /// <summary>How long an incident stays open before its DOWN alert is due, here (the default is two minutes).</summary>
    private static readonly TimeSpan AlertDelay = TimeSpan.FromSeconds(20);

    /// <summary>Before the failures begin: two probe intervals after the last account was added.</summary>
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Runs the scenario: <paramref name="accountCount"/> accounts of which <paramref name="failing"/> fail from one
    /// warm-up after the setup until one interval after the restart; <paramref name="silos"/> AmoHub processes (2 needs
    /// MySQL), the last of which is restarted, killed when <paramref name="kill"/>, else sent SIGTERM.
    /// </summary>
    public static async Task<LoadResult> RunAsync(string repository, int accountCount, int failing, bool kill, int silos, string? mySqlConnectionString)
    {
        if (silos is < 1 or > 2 || (silos == 2 && mySqlConnectionString is null))
        {
            throw new ArgumentException("--silos is 1, or 2 with --mysql: a cluster needs a shared database.", nameof(silos));
        }

        var accounts = Enumerable.Range(0, accountCount).Select(i => string.Create(CultureInfo.InvariantCulture, $"bench-{i:D5}")).ToList();
        var failingAccounts = accounts.Where((_, i) => i % Math.Max(1, accountCount / Math.Max(1, failing)) == 0).Take(failing).ToHashSet();
        await using var sandbox = await StandaloneSandbox.StartAsync();
        await using var alerts = await AlertReceiver.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["AmoHub__Sandbox__Enabled"] = "false",
            ["AmoHub__Notifications__Mattermost__WebhookUrl"] = alerts.Url.AbsoluteUri,
            ["AmoHub__Notifications__Delay"] = AlertDelay.ToString("c", CultureInfo.InvariantCulture),
            ["AmoHub__Notifications__GroupMinAccounts"] = "0",
            ["AmoHub__Notifications__Digest__Enabled"] = "false",
            ["AmoHub__Cluster__AdvertisedAddress"] = "127.0.0.1",
        };
        await using var hub = await AmoHubUnderTest.StartAsync(repository, mySqlConnectionString, settings);
        await using var other = silos == 2 ? await AmoHubUnderTest.StartAsync(repository, mySqlConnectionString, settings) : null;
        var restarted = other ?? hub;
        using var http = new HttpClient { BaseAddress = hub.Api, Timeout = TimeSpan.FromMinutes(5) };

        var began = DateTimeOffset.UtcNow;
        await Parallel.ForEachAsync(accounts, new ParallelOptions { MaxDegreeOfParallelism = SetupConnections }, (subdomain, cancellationToken) =>
            new ValueTask(ProbesScenario.AddAccountAsync(http, sandbox, hub.Api, subdomain, cancellationToken)));
        var setupSeconds = (DateTimeOffset.UtcNow - began).TotalSeconds;
        await Log($"{accounts.Count} accounts added in {setupSeconds:0} s");

        await Task.Delay(Warmup);
        var failingFrom = DateTimeOffset.UtcNow;
        foreach (var account in failingAccounts)
        {
            sandbox.Sandbox.SetFault(account, new SandboxFault(FailureRate: 1, FailureStatus: 503));
        }

        // Stop while alerts are on their way: about half the failing checks' DOWN posted, the rest still due.
        async Task<int> FailingDownPostedAsync()
        {
            var ids = (await IncidentsAsync(hub.Database, failingFrom)).Where(incident => failingAccounts.Contains(incident.Account));
            var posted = alerts.Deliveries.ToHashSet();
            return ids.Count(incident => posted.Contains(Delivery(incident, "down")));
        }

        await WaitAsync(
            async () => await FailingDownPostedAsync() >= failingAccounts.Count * ProbesScenario.CheckTypes.Length / 2,
            "half the failing accounts' DOWN alerts posted");
        var cpuBefore = restarted.CpuSeconds;
        var stoppedAt = DateTimeOffset.UtcNow;
        await Log($"{await FailingDownPostedAsync()} DOWN alerts of failing accounts posted; stopping with {(kill ? "SIGKILL" : "SIGTERM")}");
        var (stopSeconds, readySeconds) = await restarted.RestartAsync(kill);
        var readyAt = DateTimeOffset.UtcNow;
        await Log($"stopped in {stopSeconds:0.0} s, ready in {readySeconds:0.0} s");

        await Task.Delay(ProbesScenario.Interval);
        var cpuAfter = restarted.CpuSeconds;
        foreach (var account in failingAccounts)
        {
            sandbox.Sandbox.ClearFaults(account);
        }

        await Task.Delay(ProbesScenario.Settle);
        var checks = await ProbesScenario.ChecksAsync(hub.Database, stoppedAt - ProbesScenario.Interval, readyAt + (2 * ProbesScenario.Interval));
        await WaitAsync(
            async () =>
            {
                var open = (await IncidentsAsync(hub.Database, began)).Count(incident => failingAccounts.Contains(incident.Account) && incident.EndedAt is null);
                var posted = alerts.Deliveries;
                return open == 0 && posted.Where(id => id.EndsWith(":down/mattermost", StringComparison.Ordinal))
                    .All(down => posted.Contains(down.Replace(":down/", ":restored/", StringComparison.Ordinal)));
            },
            "every failing check recovered and its RESTORED posted");
        var incidents = await IncidentsAsync(hub.Database, began);
        var failingIncidents = incidents.Where(incident => failingAccounts.Contains(incident.Account)).ToList();
        var load = double.Parse((await File.ReadAllTextAsync("/proc/loadavg")).Split(' ')[0], CultureInfo.InvariantCulture);

        // Probes back: each probe's first check after ready, against its slot.
        var firsts = checks.Where(check => check.WentOut >= readyAt)
            .GroupBy(check => (check.Account, check.CheckType))
            .Select(group => group.MinBy(check => check.WentOut)!)
            .ToList();
        var probes = accounts.Count * ProbesScenario.CheckTypes.Length;
        var backInTime = firsts.Count(check => check.WentOut <= readyAt + ProbesScenario.Interval + ProbesScenario.EarlyTolerance);
        var lateness = firsts.Select(check => ProbesScenario.Lateness(check).TotalMilliseconds).ToList();
        var (p50, p95, p99) = LoadResult.Percentiles(lateness);
        var slotsTwice = checks
            .GroupBy(check => (check.Account, check.CheckType, Slot: Slot(check)))
            .Count(group => group.Count() > 1);

        // Alerts: every DOWN and RESTORED once.
        var posted = alerts.Deliveries;
        var postedTwice = posted.GroupBy(id => id).Count(group => group.Count() > 1);
        var downDue = failingIncidents.Where(incident => incident.EndedAt - incident.StartedAt > AlertDelay + ProbesScenario.Interval).ToList();
        var downLost = downDue.Count(incident => !posted.Contains(Delivery(incident, "down")));
        var restoredLost = failingIncidents.Count(incident => posted.Contains(Delivery(incident, "down")) && !posted.Contains(Delivery(incident, "restored")));
        var healthy = incidents.Where(incident => !failingAccounts.Contains(incident.Account)).ToList();
        var alertsAboutHealthy = healthy.Sum(incident => posted.Count(id => id.StartsWith($"incident:{incident.Id}:", StringComparison.Ordinal)));
        foreach (var incident in healthy)
        {
            await Log($"false incident: {incident.Account}/{incident.CheckType} at {incident.StartedAt:HH:mm:ss.fff}");
        }

        foreach (var failed in ProbesScenario.FailedDeliveries(sandbox, [.. accounts.Where(account => !failingAccounts.Contains(account))]))
        {
            await Log($"healthy accounts: {failed}");
        }

        var engine = mySqlConnectionString is null ? "SQLite" : "MariaDB";
        var signal = kill ? "kill" : "term";
        var extra = new Dictionary<string, double>
        {
            ["stop s"] = stopSeconds,
            ["ready s"] = readySeconds,
            ["probes back within one interval"] = backInTime,
            ["of probes"] = probes,
            ["s to the last first check"] = firsts.Count == 0 ? 0 : (firsts.Max(check => check.WentOut) - readyAt).TotalSeconds,
            ["slots run twice"] = slotsTwice,
            ["false incidents"] = healthy.Count,
            ["of them after the restart"] = healthy.Count(incident => incident.StartedAt >= stoppedAt),
            ["failing incidents"] = failingIncidents.Count,
            ["DOWN due"] = downDue.Count,
            ["DOWN lost"] = downLost,
            ["RESTORED not posted by the end"] = restoredLost,
            ["alerts posted twice"] = postedTwice,
            ["alerts about healthy accounts"] = alertsAboutHealthy,
            ["setup s"] = setupSeconds,
            ["failing s before the stop"] = (stoppedAt - failingFrom).TotalSeconds,
            ["load avg 1 min"] = load,
        };
        return new LoadResult(
            string.Create(CultureInfo.InvariantCulture, $"restart-{silos}-silo{(silos == 1 ? "" : "s")}-{signal}{(mySqlConnectionString is null ? "" : "-mysql")}"),
            string.Create(CultureInfo.InvariantCulture,
                $"{engine}, {accounts.Count} accounts × 5 checks, {(silos == 1 ? "all-in-one" : "2 all-in-one silos, the one not serving the API")} stopped with {(kill ? "SIGKILL" : "SIGTERM")}, {failingAccounts.Count} accounts failing (503) across it, alerts after {AlertDelay.TotalSeconds:0} s; throughput in probes back per second after ready, p50/p95/p99 of their first check's lateness against its slot"),
            backInTime,
            healthy.Count + downLost + restoredLost + postedTwice + (probes - backInTime),
            Math.Max(0.001, firsts.Count == 0 ? 0 : (firsts.Max(check => check.WentOut) - readyAt).TotalSeconds),
            p50,
            p95,
            p99,
            (cpuAfter - cpuBefore) / probes * 1000,
            restarted.PeakRssMiB,
            null,
            extra);
    }

    private static string Delivery(Incident incident, string kind) => string.Create(CultureInfo.InvariantCulture, $"incident:{incident.Id}:{kind}/mattermost");

    /// <summary>The index of the slot a check belongs to (a check a hair early counts for the slot it was early for).</summary>
    private static long Slot(ProbesScenario.StoredCheck check) =>
        (check.WentOut - ProbesScenario.Lateness(check)).UtcTicks / ProbesScenario.Interval.Ticks;

    private static Task Log(string message) =>
        Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:HH:mm:ss} {message}"));

    private static Task WaitAsync(Func<bool> condition, string what) => WaitAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTimeOffset.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > until)
            {
                await Log($"gave up waiting for {what} after {Patience.TotalMinutes:0} min");
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private static async Task<List<Incident>> IncidentsAsync(AmoHubDatabase database, DateTimeOffset since)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, account, check_type, start_time, end_time FROM incidents WHERE start_time >= @since";
        ProbesScenario.Parameter(command, "@since", since.ToUnixTimeMilliseconds());
        var incidents = new List<Incident>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            incidents.Add(new Incident(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                reader.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4))));
        }

        return incidents;
    }

    private sealed record Incident(long Id, string Account, string CheckType, DateTimeOffset StartedAt, DateTimeOffset? EndedAt);
}
