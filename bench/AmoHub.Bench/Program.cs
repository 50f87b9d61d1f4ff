using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Bench;

// dotnet run -c Release --project bench/AmoHub.Bench -- <contacts-new|contacts-dedup> [--count N] [--connections C] [--mysql "<connection string>"]
// dotnet run -c Release --project bench/AmoHub.Bench -- probes [--probes N] [--minutes M] [--warmup S] [--mysql "<connection string>"]
var scenario = args.FirstOrDefault() ?? "";
var count = Option("--count", scenario == "contacts-dedup" ? 20_000 : 2_000);
var connections = Option("--connections", 32);
var mySql = args.SkipWhile(a => a != "--mysql").Skip(1).FirstOrDefault();
var repository = FindRepository();
if (scenario is not ("contacts-new" or "contacts-dedup" or "probes"))
{
    await Console.Error.WriteLineAsync("usage: AmoHub.Bench <contacts-new|contacts-dedup> [--count N] [--connections C] [--mysql \"<connection string>\"]");
    await Console.Error.WriteLineAsync("       AmoHub.Bench probes [--probes N] [--minutes M] [--warmup S] [--mysql \"<connection string>\"]");
    return 2;
}

if (scenario == "probes")
{
    return await ReportAsync(await ProbesScenario.RunAsync(
        repository, Option("--probes", 1_000), Option("--minutes", 3), TimeSpan.FromSeconds(Option("--warmup", 30)), mySql));
}

await using var hub = await AmoHubUnderTest.StartAsync(repository, mySql);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = hub.Api, Timeout = TimeSpan.FromMinutes(5) };
var engine = mySql is null ? "SQLite" : "MariaDB";

LoadResult result;
if (scenario == "contacts-new")
{
    var cpu = hub.CpuSeconds;
    var (latencies, failures, seconds) = await DriveAsync(count, i => Phone(i), HttpStatusCode.Created);
    var stats = await SandboxStatsAsync();
    result = Result(
        $"{engine}, {count} new phones, {connections} connections, sandbox 7 req/s",
        latencies, failures, seconds, cpu,
        new Dictionary<string, double>
        {
            ["amoCRM requests"] = stats.GetProperty("requests").GetDouble(),
            ["429s"] = stats.GetProperty("too_many_requests").GetDouble(),
            ["contacts in amoCRM"] = stats.GetProperty("contacts_created").GetDouble(),
        });
}
else
{
    const int known = 200;
    await DriveAsync(known, i => Phone(i), HttpStatusCode.Created);
    var cpu = hub.CpuSeconds;
    var (latencies, failures, seconds) = await DriveAsync(count, i => Phone(i % known), HttpStatusCode.OK);
    var stats = await SandboxStatsAsync();
    result = Result(
        $"{engine}, {count} requests for {known} known phones, {connections} connections",
        latencies, failures, seconds, cpu,
        new Dictionary<string, double> { ["contacts in amoCRM"] = stats.GetProperty("contacts_created").GetDouble() });
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

async Task<JsonElement> SandboxStatsAsync() =>
    await http.GetFromJsonAsync<JsonElement>(new Uri(hub.Sandbox, "_sandbox/accounts/sandbox/stats"));

static string Phone(int i) => string.Create(CultureInfo.InvariantCulture, $"+7910{i:D7}");

int Option(string name, int fallback) =>
    args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

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
