using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AmoHub.ServiceDefaults.Storage;

namespace AmoHub.Bench;

/// <summary>
/// <c>webhooks</c>: amoCRM's form-encoded deliveries of 1 to 50 events each (contact updates with a phone, lead
/// status changes), posted to the destination AmoHub subscribed in its built-in sandbox, from this process over
/// <c>--connections</c> connections. A 200 means the delivery is in the webhook inbox; the lag is each delivery's
/// <c>applied_at - received_at</c> as the inbox records it, read once everything has been applied. With
/// <c>--rate</c>, the deliveries go out on a fixed schedule of that many events a second instead of as fast as
/// the connections allow, and each one's <c>updated_at</c> is the second it is due, so an entity's later events are
/// real changes rather than ties that the grains ignore.
/// </summary>
public static class WebhooksScenario
{
    private const string Account = "sandbox";
    private const int MaxEvents = 50;

    /// <summary>Distinct contacts and leads the events touch: updates mostly land on entities AmoHub already keeps.</summary>
    private const int Entities = 20_000;

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Runs the scenario: <paramref name="warmupEvents"/> events unmeasured and applied, then <paramref name="events"/>
    /// events, in deliveries of a seeded random size; sent as fast as possible, or at <paramref name="rate"/> events
    /// a second when it is above 0.
    /// </summary>
    public static async Task<LoadResult> RunAsync(string repository, int events, int warmupEvents, int connections, int rate, string? mySqlConnectionString)
    {
        await using var hub = await AmoHubUnderTest.StartAsync(repository, mySqlConnectionString, new Dictionary<string, string>
        {
            ["AmoHub__Probes__Enabled"] = "false",
        });
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections })
        {
            BaseAddress = hub.Api,
            Timeout = TimeSpan.FromMinutes(2),
        };
        var destination = await SubscribeAsync(http, hub);

        // Unmeasured first: the first delivery on each connection met a cold AmoHub (JIT, the inbox's activation and
        // reminder, new connections) and took 340-390 ms, which alone made the p99 of a 2,000-delivery run.
        var warmup = await SendAsync(http, destination, Deliveries(warmupEvents, seed: 11, rate: 0), connections);
        await WaitUntilAppliedAsync(hub);
        long lastWarmupId;
        await using (var connection = await hub.Database.OpenAsync(CancellationToken.None))
        {
            lastWarmupId = await ProbesScenario.ScalarAsync(connection, "SELECT COALESCE(MAX(id), 0) FROM webhook_inbox");
        }

        var deliveries = Deliveries(events, seed: 7, rate);
        var storageBefore = await StorageBytesAsync(hub);
        var cpu = hub.CpuSeconds;
        var (latencies, accepted, statuses, seconds) = rate > 0
            ? await SendAtRateAsync(http, destination, deliveries, rate)
            : await SendAsync(http, destination, deliveries, connections);
        var cpuWhileDriving = hub.CpuSeconds - cpu;
        var drain = Stopwatch.StartNew();
        await WaitUntilAppliedAsync(hub);
        var drainSeconds = drain.Elapsed.TotalSeconds;
        var cpuWithApply = hub.CpuSeconds - cpu;

        var acceptedEvents = deliveries.Where((_, i) => accepted[i]).Sum(d => d.Events);
        var lags = await LagsAsync(hub, lastWarmupId);
        var (lag50, lag95, lag99) = LoadResult.Percentiles(lags);
        var storage = await StorageBytesAsync(hub) - storageBefore;
        var failed = deliveries.Count - accepted.Count(a => a);
        var (p50, p95, p99) = LoadResult.Percentiles(latencies);
        var settings = string.Create(CultureInfo.InvariantCulture,
            $"{(mySqlConnectionString is null ? "SQLite" : "MariaDB")}, {deliveries.Count} deliveries of 1-{MaxEvents} events (contact updates with a phone, lead status changes, over {Entities} ids each) after {warmupEvents} unmeasured events, {(rate > 0 ? $"sent at {rate} events/s with updated_at advancing" : $"{connections} connections")}; throughput in events/s accepted");
        var extra = new Dictionary<string, double>
        {
            ["events accepted"] = acceptedEvents,
            ["deliveries/s"] = deliveries.Count / seconds,
            ["mean events/delivery"] = (double)events / deliveries.Count,
            ["lag p50 ms"] = lag50,
            ["lag p95 ms"] = lag95,
            ["lag p99 ms"] = lag99,
            ["applied events/s"] = acceptedEvents / (seconds + drainSeconds),
            ["drain s after last answer"] = drainSeconds,
            ["CPU s/1k events incl. apply"] = cpuWithApply / acceptedEvents * 1000,
            ["load avg 1 min"] = LoadAverage(),
        };
        if (warmup.Accepted.Any(a => !a))
        {
            extra["warm-up deliveries refused"] = warmup.Accepted.Count(a => !a);
        }

        foreach (var (status, count) in statuses.Where(s => s.Key != 200))
        {
            extra[string.Create(CultureInfo.InvariantCulture, $"HTTP {status}")] = count;
        }

        return new LoadResult(
            mySqlConnectionString is null ? "webhooks" : "webhooks-mariadb",
            settings,
            acceptedEvents,
            failed,
            seconds,
            p50,
            p95,
            p99,
            cpuWhileDriving / acceptedEvents * 1000,
            hub.PeakRssMiB,
            storage / (double)acceptedEvents,
            extra);
    }

    /// <summary>Posts the deliveries over <paramref name="connections"/> connections; each one's answer time and outcome.</summary>
    private static async Task<(double[] Latencies, bool[] Accepted, Dictionary<int, int> Statuses, double Seconds)> SendAsync(
        HttpClient http, Uri destination, List<(string Body, int Events)> deliveries, int connections)
    {
        var latencies = new double[deliveries.Count];
        var accepted = new bool[deliveries.Count];
        var statuses = new Dictionary<int, int>();
        var next = -1;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < deliveries.Count)
            {
                using var content = new StringContent(deliveries[i].Body, Encoding.UTF8, "application/x-www-form-urlencoded");
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync(destination, content);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                accepted[i] = response.IsSuccessStatusCode;
                lock (statuses)
                {
                    statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
                }
            }
        }));
        return (latencies, accepted, statuses, total.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Posts each delivery when it is due, <paramref name="rate"/> events a second (a delivery is due once the
    /// events before it have had their time), whatever the answers before it; its answer time counts from when it was due.
    /// </summary>
    private static async Task<(double[] Latencies, bool[] Accepted, Dictionary<int, int> Statuses, double Seconds)> SendAtRateAsync(
        HttpClient http, Uri destination, List<(string Body, int Events)> deliveries, int rate)
    {
        var latencies = new double[deliveries.Count];
        var accepted = new bool[deliveries.Count];
        var statuses = new Dictionary<int, int>();
        var dueAfter = new long[deliveries.Count];
        for (int i = 0, before = 0; i < deliveries.Count; before += deliveries[i].Events, i++)
        {
            dueAfter[i] = (long)((double)before * Stopwatch.Frequency / rate);
        }

        var sends = new List<Task>(deliveries.Count);
        var start = Stopwatch.GetTimestamp();

        // A thread of its own paces the sends, as the contacts scenarios' --rate does: a timer would wait for a pool thread too.
        var pacer = new Thread(() =>
        {
            for (var sent = 0; sent < deliveries.Count; Thread.Sleep(1))
            {
                for (var now = Stopwatch.GetTimestamp(); sent < deliveries.Count && start + dueAfter[sent] <= now; sent++)
                {
                    sends.Add(PostAsync(sent));
                }
            }
        }) { IsBackground = true, Priority = ThreadPriority.Highest };
        pacer.Start();
        await Task.Run(pacer.Join);
        await Task.WhenAll(sends);
        return (latencies, accepted, statuses, Stopwatch.GetElapsedTime(start).TotalSeconds);

        async Task PostAsync(int i)
        {
            using var content = new StringContent(deliveries[i].Body, Encoding.UTF8, "application/x-www-form-urlencoded");
            using var response = await http.PostAsync(destination, content);
            latencies[i] = Stopwatch.GetElapsedTime(start + dueAfter[i]).TotalMilliseconds;
            accepted[i] = response.IsSuccessStatusCode;
            lock (statuses)
            {
                statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
            }
        }
    }

    /// <summary>Subscribes AmoHub's destination in its built-in sandbox, as an operator would, and reads it back.</summary>
    private static async Task<Uri> SubscribeAsync(HttpClient http, AmoHubUnderTest hub)
    {
        using var subscribed = await http.PostAsJsonAsync("/api/amocrm/webhooks", new { publicUrl = hub.Api });
        subscribed.EnsureSuccessStatusCode();
        var webhooks = await http.GetFromJsonAsync<JsonElement>(new Uri(hub.Sandbox, $"_sandbox/accounts/{Account}/webhooks"));
        return new Uri(webhooks.EnumerateArray().Single().GetProperty("destination").GetString()!);
    }

    /// <summary>
    /// Deliveries carrying <paramref name="events"/> events in all, 1 to 50 each (seeded, so every run sends the
    /// same bodies); every other delivery is about contacts, the rest about leads, as amoCRM sends them. At a
    /// <paramref name="rate"/> above 0 a delivery's <c>updated_at</c> is the second it will be sent in; otherwise all
    /// share one.
    /// </summary>
    private static List<(string Body, int Events)> Deliveries(int events, int seed, int rate)
    {
        var random = new Random(seed);
        var start = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var deliveries = new List<(string, int)>();
        for (var sent = 0; sent < events;)
        {
            var size = Math.Min(random.Next(1, MaxEvents + 1), events - sent);
            var updatedAt = rate > 0 ? start + (sent / rate) : start;
            var body = new StringBuilder();
            for (var k = 0; k < size; k++)
            {
                var id = 1 + random.Next(Entities);
                if (deliveries.Count % 2 == 0)
                {
                    var prefix = $"contacts[update][{k}]";
                    body.Append(CultureInfo.InvariantCulture,
                        $"{prefix}[id]={id}&{prefix}[name]=Bench+{id}&{prefix}[updated_at]={updatedAt}&{prefix}[custom_fields][0][id]=1&{prefix}[custom_fields][0][code]=PHONE&{prefix}[custom_fields][0][values][0][value]=%2B7911{id:D7}&");
                }
                else
                {
                    var prefix = $"leads[status][{k}]";
                    body.Append(CultureInfo.InvariantCulture,
                        $"{prefix}[id]={id}&{prefix}[name]=Bench+{id}&{prefix}[status_id]={1000010 + (id % 5)}&{prefix}[pipeline_id]=1000001&{prefix}[updated_at]={updatedAt}&");
                }
            }

            body.Append("account[subdomain]=" + Account);
            deliveries.Add((body.ToString(), size));
            sent += size;
        }

        return deliveries;
    }

    private static async Task WaitUntilAppliedAsync(AmoHubUnderTest hub)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            await using (var connection = await hub.Database.OpenAsync(CancellationToken.None))
            {
                if (await ProbesScenario.ScalarAsync(connection, "SELECT COUNT(*) FROM webhook_inbox WHERE applied_at IS NULL") == 0)
                {
                    return;
                }
            }

            if (waited.Elapsed > DrainTimeout)
            {
                throw new TimeoutException($"The webhook inbox was not applied within {DrainTimeout}.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Each measured delivery's time from being stored to being applied, in ms, as the inbox recorded it: the rows
    /// after <paramref name="afterId"/>, the warm-up's last.
    /// </summary>
    private static async Task<List<double>> LagsAsync(AmoHubUnderTest hub, long afterId)
    {
        await using var connection = await hub.Database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = string.Create(CultureInfo.InvariantCulture, $"SELECT applied_at - received_at FROM webhook_inbox WHERE id > {afterId}");
        await using var reader = await command.ExecuteReaderAsync();
        var lags = new List<double>();
        while (await reader.ReadAsync())
        {
            lags.Add(Convert.ToDouble(reader.GetValue(0), CultureInfo.InvariantCulture));
        }

        return lags;
    }

    /// <summary>
    /// The database's bytes in use: on SQLite the pages in use (whether still in the WAL or not), on MySQL the data
    /// and index length of every table (views left out) after <c>ANALYZE TABLE</c>.
    /// </summary>
    internal static async Task<long> StorageBytesAsync(AmoHubUnderTest hub)
    {
        await using var connection = await hub.Database.OpenAsync(CancellationToken.None);
        if (hub.Database.Provider == StorageProvider.Sqlite)
        {
            return await ProbesScenario.ScalarAsync(connection,
                "SELECT (page_count - freelist_count) * page_size FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size()");
        }

        var tables = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        await ProbesScenario.ExecuteAsync(connection, $"ANALYZE TABLE {string.Join(", ", tables.Select(t => $"`{t}`"))}");
        return await ProbesScenario.ScalarAsync(connection,
            "SELECT SUM(data_length + index_length) FROM information_schema.tables WHERE table_schema = DATABASE()");
    }

    internal static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
}
