using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Bench;
using AmoHub.ServiceDefaults.Storage;

// dotnet run -c Release --project bench/AmoHub.Bench -- <contacts-new|contacts-dedup|stats> [--count N] [--warmup-requests W] [--connections C] [--rate R] [--accounts A] [--mysql "<connection string>"]
// dotnet run -c Release --project bench/AmoHub.Bench -- probes [--probes N] [--minutes M] [--warmup S] [--mysql "<connection string>"]
// dotnet run -c Release --project bench/AmoHub.Bench -- webhooks [--count EVENTS] [--warmup-events W] [--connections C] [--rate EVENTS_PER_S] [--mysql "<connection string>"]
// dotnet run -c Release --project bench/AmoHub.Bench -- import [--contacts N] [--share S] [--restart-at F] [--mysql "<connection string>"]
// dotnet run -c Release --project bench/AmoHub.Bench -- drain [--count FORMS] [--connections C] [--mysql "<connection string>"]
// dotnet run -c Release --project bench/AmoHub.Bench -- restart [--accounts N] [--failing F] [--signal term|kill] [--silos 1|2] [--mysql "<connection string>"]
var scenario = args.FirstOrDefault() ?? "";
var count = Option("--count", scenario switch { "contacts-dedup" => 40_000, "stats" => 1_000, _ => 2_000 });

// Requests sent before measuring, so that the numbers are of AmoHub's steady state rather than of the JIT
// compiling and re-compiling its hot paths: tiered compilation with dynamic PGO took more than 10,000 dedup
// requests to settle on two shared cores (bench/README.md).
var warmupRequests = Option("--warmup-requests", scenario switch { "contacts-dedup" => 100_000, "stats" => 500, _ => 0 });
var accounts = Option("--accounts", 1);
var connections = Option("--connections", 32);

// contacts-dedup only: 0 sends each connection's next request when its last is answered (as fast as AmoHub goes);
// R > 0 sends R requests a second on a fixed schedule and times each from when it was due, so a request that
// waited for a free connection counts that wait (latency at a given load, not at saturation).
var rate = Option("--rate", 0);
var mySql = args.SkipWhile(a => a != "--mysql").Skip(1).FirstOrDefault();
var repository = FindRepository();
if (scenario is not ("contacts-new" or "contacts-dedup" or "stats" or "probes" or "webhooks" or "import" or "drain" or "restart"))
{
    await Console.Error.WriteLineAsync("usage: AmoHub.Bench <contacts-new|contacts-dedup|stats> [--count N] [--warmup-requests W] [--connections C] [--rate R] [--accounts A] [--mysql \"<connection string>\"]");
    await Console.Error.WriteLineAsync("       AmoHub.Bench probes [--probes N] [--minutes M] [--warmup S] [--mysql \"<connection string>\"]");
    await Console.Error.WriteLineAsync("       AmoHub.Bench webhooks [--count EVENTS] [--warmup-events W] [--connections C] [--rate EVENTS_PER_S] [--mysql \"<connection string>\"]");
    await Console.Error.WriteLineAsync("       AmoHub.Bench import [--contacts N] [--share S] [--restart-at F] [--mysql \"<connection string>\"]");
    await Console.Error.WriteLineAsync("       AmoHub.Bench drain [--count FORMS] [--connections C] [--mysql \"<connection string>\"]");
    await Console.Error.WriteLineAsync("       AmoHub.Bench restart [--accounts N] [--failing F] [--signal term|kill] [--silos 1|2] [--mysql \"<connection string>\"]");
    return 2;
}

if (scenario == "probes")
{
    return await ReportAsync(await ProbesScenario.RunAsync(
        repository, Option("--probes", 1_000), Option("--minutes", 3), TimeSpan.FromSeconds(Option("--warmup", 30)), mySql));
}

if (scenario == "webhooks")
{
    return await ReportAsync(await WebhooksScenario.RunAsync(repository, Option("--count", 100_000), Option("--warmup-events", 5_000), connections, rate, mySql));
}

if (scenario == "drain")
{
    return await ReportAsync(await DrainScenario.RunAsync(repository, Option("--count", 10_000), connections, mySql));
}

if (scenario == "restart")
{
    return await ReportAsync(await RestartScenario.RunAsync(
        repository, Option("--accounts", 2_000), Option("--failing", 20), Option("--signal", "term") == "kill", Option("--silos", 1), mySql));
}

if (scenario == "import")
{
    // --restart-at F kills AmoHub once the import has read the fraction F of the contacts, and starts it again.
    var restartAt = Option("--restart-at", 0.0);
    return await ReportAsync(await ImportScenario.RunAsync(
        repository, Option("--contacts", 200_000), Option("--share", 0.5), restartAt > 0 ? restartAt : null, mySql));
}

var accountNames = Enumerable.Range(1, accounts).Select(i => string.Create(CultureInfo.InvariantCulture, $"bench-{i:D3}")).ToList();
await using var hub = await AmoHubUnderTest.StartAsync(repository, mySql, scenario == "stats" ? StatsSettings() : null);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = hub.Api, Timeout = TimeSpan.FromMinutes(5) };
var engine = mySql is null ? "SQLite" : "MariaDB";

if (scenario == "stats")
{
    var measured = await StatsAsync();
    foreach (var (name, measurement) in measured)
    {
        await measurement.SaveAsync(repository, name);
        Console.WriteLine(measurement.ToMarkdownRow());
    }

    return measured.All(m => m.Result.Failures == 0) ? 0 : 1;
}

LoadResult result;
if (scenario == "contacts-new")
{
    var cpu = hub.CpuSeconds;
    var (latencies, failures, seconds) = await DriveAsync(count, i => Phone(i), HttpStatusCode.Created);
    var stats = await SandboxStatsAsync();
    var extra = new Dictionary<string, double>
    {
        ["amoCRM requests"] = stats.GetProperty("requests").GetDouble(),
        ["429s"] = stats.GetProperty("too_many_requests").GetDouble(),
        ["contacts in amoCRM"] = stats.GetProperty("contacts_created").GetDouble(),
        ["phones held twice"] = await PhonesHeldTwiceAsync(),
    };
    result = Result($"{engine}, {count} new phones, {connections} connections, sandbox 7 req/s", latencies, failures, seconds, cpu, extra);

    // Counted after the CPU, which stays that of the requests as in earlier rows.
    extra["contact writes/contact"] = await ContactWritesPerContactAsync();
}
else
{
    const int known = 200;
    await DriveAsync(known, i => Phone(i), HttpStatusCode.Created);
    await DriveAsync(warmupRequests, i => Phone(i % known), HttpStatusCode.OK);
    var cpu = hub.CpuSeconds;
    var (latencies, failures, seconds) = rate > 0
        ? await DriveAtRateAsync(count, rate, i => Phone(i % known), HttpStatusCode.OK)
        : await DriveAsync(count, i => Phone(i % known), HttpStatusCode.OK);
    var stats = await SandboxStatsAsync();
    var pace = rate > 0 ? string.Create(CultureInfo.InvariantCulture, $", sent at {rate}/s") : "";
    result = Result(
        $"{engine}, {count} requests for {known} known phones after {warmupRequests} unmeasured, {connections} connections{pace}",
        latencies, failures, seconds, cpu,
        new Dictionary<string, double>
        {
            ["contacts in amoCRM"] = stats.GetProperty("contacts_created").GetDouble(),
            ["phones held twice"] = await PhonesHeldTwiceAsync(),
        });
}

return await ReportAsync(result);

async Task<int> ReportAsync(LoadResult result)
{
    await result.SaveAsync(repository);
    Console.WriteLine(result.ToMarkdownRow());
    return result.Failures == 0 ? 0 : 1;
}

LoadResult Result(string settings, List<double> latencies, int failures, double seconds, double cpuBefore, Dictionary<string, double> extra)
{
    var (p50, p95, p99) = LoadResult.Percentiles(latencies);
    double? bytesPerRecord = mySql is null
        ? (new FileInfo(hub.DatabaseFile).Length + (File.Exists(hub.DatabaseFile + "-wal") ? new FileInfo(hub.DatabaseFile + "-wal").Length : 0)) / extra["contacts in amoCRM"]
        : null;
    return new LoadResult(scenario, settings, latencies.Count, failures, seconds, p50, p95, p99,
        (hub.CpuSeconds - cpuBefore) / latencies.Count * 1000, hub.PeakRssMiB, bytesPerRecord, extra);
}

async Task<(List<double> Latencies, int Failures, double Seconds)> DriveAsync(int operations, Func<int, string> phone, HttpStatusCode expected)
{
    var latencies = new double[operations];
    var failures = 0;
    var next = -1;
    var total = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < operations)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await http.PostAsJsonAsync("/api/contacts", new { name = $"Bench {i}", phone = phone(i) });
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (response.StatusCode != expected)
            {
                Interlocked.Increment(ref failures);
            }
        }
    }));
    return ([.. latencies], failures, total.Elapsed.TotalSeconds);
}

// Sends the requests on a fixed schedule, `perSecond` a second, each timed from when it was due.
async Task<(List<double> Latencies, int Failures, double Seconds)> DriveAtRateAsync(int operations, int perSecond, Func<int, string> phone, HttpStatusCode expected)
{
    var latencies = new double[operations];
    var failures = 0;
    var requests = new List<Task>(operations);
    var start = Stopwatch.GetTimestamp();
    long Due(int i) => start + (long)((double)i * Stopwatch.Frequency / perSecond);

    // A thread of its own paces the sends, waking every millisecond (so a request goes out up to about 1 ms after
    // it was due, 0.7 ms at the median at 2,000/s): awaiting a timer instead waits for a pool thread as well, and
    // sent 2.3 ms late at the median.
    var pacer = new Thread(() =>
    {
        for (var sent = 0; sent < operations; Thread.Sleep(1))
        {
            for (var now = Stopwatch.GetTimestamp(); sent < operations && Due(sent) <= now; sent++)
            {
                requests.Add(SendAsync(sent));
            }
        }
    }) { IsBackground = true, Priority = ThreadPriority.Highest };
    pacer.Start();
    await Task.Run(pacer.Join);
    await Task.WhenAll(requests);
    return ([.. latencies], failures, Stopwatch.GetElapsedTime(start).TotalSeconds);

    async Task SendAsync(int i)
    {
        using var response = await http.PostAsJsonAsync("/api/contacts", new { name = $"Bench {i}", phone = phone(i) });
        latencies[i] = Stopwatch.GetElapsedTime(Due(i)).TotalMilliseconds;
        if (response.StatusCode != expected)
        {
            Interlocked.Increment(ref failures);
        }
    }
}

// The accounts the stats scenario serves, on no amoCRM at all: probes are off, the history is seeded.
Dictionary<string, string> StatsSettings()
{
    var settings = new Dictionary<string, string>
    {
        ["AmoHub__Probes__Enabled"] = "false",
        ["AmoHub__Sandbox__Enabled"] = "false",
    };
    for (var i = 0; i < accountNames.Count; i++)
    {
        settings[$"AmoHub__Accounts__{i}__Subdomain"] = accountNames[i];
        settings[$"AmoHub__Accounts__{i}__AccessToken"] = "bench";
    }

    return settings;
}

// Seeds 30 days of history for every account, then times /api/stats and /api/history over 720 h, one request
// at a time, cycling through the accounts.
async Task<List<(string Name, LoadResult Result)>> StatsAsync()
{
    var database = AmoHubDatabase.From(
        mySql is null
            ? new StorageSettings { ConnectionString = $"Data Source={hub.DatabaseFile}" }
            : new StorageSettings { Provider = StorageProvider.MySql, ConnectionString = mySql },
        repository);
    var seed = new MonitoringHistorySeed(database, DateTimeOffset.UtcNow);
    var seeding = Stopwatch.StartNew();
    await seed.SeedMeasuredAccountAsync(accountNames[0]);
    for (var i = 1; i < accountNames.Count; i++)
    {
        await seed.SeedRollupsAsync(accountNames[i], i + 1);
    }

    await seed.PurgeAsync();

    var shared = new Dictionary<string, double>
    {
        ["accounts"] = accountNames.Count,
        ["results rolled up"] = seed.RolledUpResults,
        ["raw rows"] = await seed.CountAsync("health_checks"),
        ["rollup rows"] = await seed.CountAsync("health_rollups"),
        ["seeding s"] = seeding.Elapsed.TotalSeconds,
    };
    if (mySql is null)
    {
        shared["database MiB"] = (new FileInfo(hub.DatabaseFile).Length + (File.Exists(hub.DatabaseFile + "-wal") ? new FileInfo(hub.DatabaseFile + "-wal").Length : 0)) / 1048576.0;
    }

    var slug = string.Create(CultureInfo.InvariantCulture, $"{accountNames.Count}-account{(accountNames.Count == 1 ? "" : "s")}");
    return
    [
        ($"stats-{slug}-stats", await TimeReadsAsync("stats", "/api/stats?hours=720", shared)),
        ($"stats-{slug}-history", await TimeReadsAsync("history", "/api/history?hours=720", shared)),
    ];
}

async Task<LoadResult> TimeReadsAsync(string name, string path, Dictionary<string, double> shared)
{
    string Url(int i) => $"{path}&account={accountNames[i % accountNames.Count]}";
    for (var i = 0; i < warmupRequests; i++)
    {
        await http.GetByteArrayAsync(Url(i));
    }

    var cpu = hub.CpuSeconds;
    var latencies = new List<double>(count);
    var bytes = 0L;
    var failures = 0;
    var total = Stopwatch.StartNew();
    for (var i = 0; i < count; i++)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync(Url(i));
        var body = await response.Content.ReadAsByteArrayAsync();
        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        bytes += body.Length;
        failures += response.IsSuccessStatusCode ? 0 : 1;
    }

    var (p50, p95, p99) = LoadResult.Percentiles(latencies);
    var extra = new Dictionary<string, double>(shared) { ["response bytes"] = (double)bytes / count };
    return new LoadResult(name, $"{engine}, {accountNames.Count} account(s) × 5 checks, 30 days at 2 results/min, one request at a time after {warmupRequests} unmeasured: GET {path}",
        count, failures, total.Elapsed.TotalSeconds, p50, p95, p99, (hub.CpuSeconds - cpu) / count * 1000, hub.PeakRssMiB, null, extra);
}

async Task<JsonElement> SandboxStatsAsync() =>
    await http.GetFromJsonAsync<JsonElement>(new Uri(hub.Sandbox, "_sandbox/accounts/sandbox/stats"));

// Duplicates in amoCRM: phones that more than one of the sandbox account's contacts hold.
async Task<double> PhonesHeldTwiceAsync() =>
    (await http.GetFromJsonAsync<JsonElement>(new Uri(hub.Sandbox, "_sandbox/accounts/sandbox/contacts")))
        .EnumerateArray()
        .SelectMany(contact => contact.GetProperty("phones").EnumerateArray().Select(phone => phone.GetProperty("value").GetString()))
        .GroupBy(phone => phone, StringComparer.Ordinal)
        .Count(group => group.Count() > 1);

// How many times our copy wrote each contact, once the syncs and webhook events after the last answer are applied:
// every write of a contact's grain state (each goes with its read-model write) adds one to its row's version.
async Task<double> ContactWritesPerContactAsync()
{
    const string Written = "SELECT COUNT(*), COALESCE(SUM(Version), 0) FROM OrleansGrainState WHERE GrainIdExtensionString LIKE 'sandbox/contact:%'";
    var waited = Stopwatch.StartNew();
    var (contacts, writes, quiet) = (0L, -1L, 0);
    while (quiet < 4 && waited.Elapsed < TimeSpan.FromSeconds(60))
    {
        await Task.Delay(500);
        await using var connection = await hub.Database.OpenAsync(CancellationToken.None);
        var pending = await ProbesScenario.ScalarAsync(connection, "SELECT COUNT(*) FROM webhook_inbox WHERE applied_at IS NULL");
        await using var command = connection.CreateCommand();
        command.CommandText = Written;
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (nowContacts, nowWrites) = (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
        quiet = pending == 0 && nowWrites == writes ? quiet + 1 : 0;
        (contacts, writes) = (nowContacts, nowWrites);
    }

    return contacts == 0 ? 0 : (double)writes / contacts;
}

static string Phone(int i) => string.Create(CultureInfo.InvariantCulture, $"+7910{i:D7}");

T Option<T>(string name, T fallback)
    where T : IParsable<T> =>
    args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } value ? T.Parse(value, CultureInfo.InvariantCulture) : fallback;

static string FindRepository()
{
    for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
    {
        if (File.Exists(Path.Combine(folder.FullName, "AmoHub.sln")))
        {
            return folder.FullName;
        }
    }

    throw new InvalidOperationException("Run the benchmark from inside the AmoHub repository.");
}
