using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Sandbox.Faults;

namespace AmoHub.Bench;

/// <summary>
/// <c>drain</c>: a backlog of web-form leads accepted while amoCRM was down, completed once it is back. A sandbox in
/// this process (7 requests/s) answers 503 to every call of the account while the forms arrive
/// (each a lead with its contact by phone, a fifth of the phones shared, tags, UTM tags and a note), all answered 202;
/// then it answers again, and the benchmark times how long AmoHub takes to complete the backlog, and how many amoCRM
/// requests that took against the budget.
/// </summary>
public static class DrainScenario
{
    private const string Account = "backlog";

    /// <summary>The most leads one complex add carries: the budget's limit with it is forms ÷ 50 ÷ 7 s.</summary>
    private const int ComplexAddBatch = 50;

    /// <summary>Runs the scenario with <paramref name="count"/> forms sent over <paramref name="connections"/> connections.</summary>
    public static async Task<LoadResult> RunAsync(string repository, int count, int connections, string? mySqlConnectionString)
    {
        await using var sandbox = await StandaloneSandbox.StartAsync();
        await using var hub = await AmoHubUnderTest.StartAsync(repository, mySqlConnectionString, new Dictionary<string, string>
        {
            ["AmoHub__Sandbox__Enabled"] = "false",
            ["AmoHub__Probes__Enabled"] = "false",
            ["AmoHub__Accounts__0__Subdomain"] = Account,
            ["AmoHub__Accounts__0__BaseUrl"] = new Uri(sandbox.Url, Account + "/").AbsoluteUri,
            ["AmoHub__Accounts__0__AccessToken"] = sandbox.AccessToken,
        });
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = hub.Api, Timeout = TimeSpan.FromMinutes(5) };

        // The empty account's first import ends before the outage, so dedup asks our copy, as on an account in use.
        await WaitAsync(http, status => status.GetProperty("sync").GetProperty("contactsImport") is { ValueKind: JsonValueKind.Object } import
            && import.GetProperty("complete").GetBoolean(), TimeSpan.FromMinutes(2), "the first import to end");
        sandbox.Sandbox.SetFault(Account, new SandboxFault(FailureRate: 1, FailureStatus: 503));

        var latencies = new double[count];
        var refused = 0;
        var accepting = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = connections }, async (i, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/leads") { Content = JsonContent.Create(Form(i)) };
            request.Headers.Add("Prefer", "respond-async");
            var started = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request, ct);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                Interlocked.Increment(ref refused);
                await Console.Error.WriteLineAsync($"form {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            }
        });
        var acceptSeconds = accepting.Elapsed.TotalSeconds;
        var pendingAtEnd = (await StatusAsync(http)).GetProperty("operations").GetProperty("pending").GetInt64();

        var before = sandbox.Sandbox.GetStats(Account);
        var cpu = hub.CpuSeconds;
        sandbox.Sandbox.ClearFaults(Account);
        var draining = Stopwatch.StartNew();
        await WaitAsync(http, status => status.GetProperty("operations").GetProperty("pending").GetInt64() == 0,
            TimeSpan.FromMinutes(30), "the backlog to be completed");
        var drainSeconds = draining.Elapsed.TotalSeconds;
        var after = sandbox.Sandbox.GetStats(Account);
        var cpuSeconds = hub.CpuSeconds - cpu;

        var failed = (await http.GetFromJsonAsync<JsonElement>($"/api/operations?account={Account}&status=failed&pageSize=1")).GetProperty("total").GetInt64();
        var leads = sandbox.Sandbox.GetLeads(Account).Count;
        var contacts = sandbox.Sandbox.GetContacts(Account).Count;
        var requests = after.Requests - before.Requests;
        var (p50, p95, p99) = LoadResult.Percentiles(latencies);
        var wrong = (leads == count ? 0 : 1) + (contacts == Phones(count) ? 0 : 1) + (int)failed + refused;
        var engine = mySqlConnectionString is null ? "SQLite" : "MariaDB";
        return new LoadResult(
            mySqlConnectionString is null ? "drain" : "drain-mysql",
            string.Create(CultureInfo.InvariantCulture,
                $"{engine}, {count} web-form leads (contact by phone, 1 in 5 phones shared, tags, UTM, note) accepted (202) while amoCRM answered 503, then completed; throughput in forms/s completed, p50/p95/p99 of the 202 answers, {connections} connections"),
            count,
            wrong,
            drainSeconds,
            p50,
            p95,
            p99,
            cpuSeconds / count * 1000,
            hub.PeakRssMiB,
            null,
            new Dictionary<string, double>
            {
                ["accept s"] = acceptSeconds,
                ["accepted/s"] = count / acceptSeconds,
                ["pending after accepting"] = pendingAtEnd,
                ["drain s"] = drainSeconds,
                ["amoCRM requests"] = requests,
                ["requests/form"] = (double)requests / count,
                ["budget limit s"] = requests / 7.0,
                ["complex add limit s"] = Math.Ceiling((double)count / ComplexAddBatch) / 7,
                ["429s"] = after.TooManyRequests - before.TooManyRequests,
                ["leads in amoCRM"] = leads,
                ["contacts in amoCRM"] = contacts,
                ["contacts expected"] = Phones(count),
                ["failed"] = failed,
                ["refused"] = refused,
                ["load avg 1 min"] = WebhooksScenario.LoadAverage(),
            });
    }

    /// <summary>Form i: its own lead, and the phone of contact i, or of contact i - 1 for every fifth form.</summary>
    private static object Form(int i) => new
    {
        name = string.Create(CultureInfo.InvariantCulture, $"Заявка с сайта №{i}"),
        tags = Tags,
        utm = new { utm_source = "yandex", utm_campaign = "outage" },
        note = string.Create(CultureInfo.InvariantCulture, $"Форма {i}, принята во время аварии amoCRM."),
        contact = new { name = string.Create(CultureInfo.InvariantCulture, $"Клиент {i}"), phone = Phone(i % 5 == 4 ? i - 1 : i) },
    };

    private static readonly string[] Tags = ["сайт", "авария"];

    private static string Phone(int i) => string.Create(CultureInfo.InvariantCulture, $"+7915{i:D7}");

    /// <summary>How many distinct phones <paramref name="count"/> forms carry.</summary>
    private static int Phones(int count) => Enumerable.Range(0, count).Select(i => i % 5 == 4 ? i - 1 : i).Distinct().Count();

    private static Task<JsonElement> StatusAsync(HttpClient http) => http.GetFromJsonAsync<JsonElement>($"/api/amocrm/status?account={Account}");

    private static async Task WaitAsync(HttpClient http, Func<JsonElement, bool> condition, TimeSpan timeout, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!condition(await StatusAsync(http)))
        {
            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"Waited {timeout} for {what}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }
}
