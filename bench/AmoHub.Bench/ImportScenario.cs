using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Grains.AmoCrm;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Sandbox.Contacts;
using AmoHub.Sandbox.Seeding;

namespace AmoHub.Bench;

/// <summary>
/// <c>import</c>: the first import of a large amoCRM account. A sandbox in this process (7 requests/s) is seeded with
/// the contacts of a real, messy account; AmoHub starts with that account configured and imports it by itself in the
/// background within its share of the budget. Measured: how long the contacts take against the limit the share
/// sets, what the import spends in amoCRM requests, AmoHub's memory, how good its estimate of the total is, and how
/// fast dedup answers meanwhile for seeded phones in another spelling. With a restart fraction, AmoHub is killed
/// (SIGKILL) once the import has read that share of the live contacts and started again on the same database: the
/// pages read before and after say whether it went on from where it was.
/// </summary>
public static class ImportScenario
{
    private const string Account = "bigco";

    /// <summary>Dedup requests sent during the import, one at a time, spread over its progress.</summary>
    private const int Lookups = 20;

    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Runs the scenario on an account seeded with <paramref name="contacts"/> contacts, importing within
    /// <paramref name="share"/> of the budget, killing AmoHub once <paramref name="restartAt"/> of them are read.
    /// </summary>
    public static async Task<LoadResult> RunAsync(string repository, int contacts, double share, double? restartAt, string? mySqlConnectionString)
    {
        var importPerSecond = new AmoCrmSettings { ImportShare = share }.ImportRequestsPerSecond;
        await using var sandbox = await StandaloneSandbox.StartAsync();
        var seeding = Stopwatch.StartNew();
        var seeded = sandbox.Sandbox.Seed(Account, new SandboxSeed(Contacts: contacts, DuplicatePhones: contacts / 100, Deleted: contacts / 100, Seed: 1));
        var seedSeconds = seeding.Elapsed.TotalSeconds;
        var live = sandbox.Sandbox.GetContacts(Account);
        var lookups = DedupLookups(seeded.Sample.Contacts, live);

        await using var hub = await AmoHubUnderTest.StartAsync(repository, mySqlConnectionString, new Dictionary<string, string>
        {
            ["AmoHub__Sandbox__Enabled"] = "false",
            ["AmoHub__Probes__Enabled"] = "false",
            ["AmoHub__AmoCrm__ImportShare"] = share.ToString(CultureInfo.InvariantCulture),
            ["AmoHub__Accounts__0__Subdomain"] = Account,
            ["AmoHub__Accounts__0__BaseUrl"] = new Uri(sandbox.Url, Account + "/").AbsoluteUri,
            ["AmoHub__Accounts__0__AccessToken"] = sandbox.AccessToken,
        });
        var ready = Stopwatch.StartNew();
        var hubCpu = hub.CpuSeconds;
        var sandboxCpu = Environment.CpuUsage.TotalTime.TotalSeconds;
        var storageBefore = await WebhooksScenario.StorageBytesAsync(hub);
        using var http = new HttpClient { BaseAddress = hub.Api, Timeout = TimeSpan.FromMinutes(5) };

        // Far more than the limit, so that an import that stalls ends the run rather than hanging it.
        var timeout = TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(20.0 * live.Count / EntitySync<AmoContact>.PageSize / importPerSecond);
        var watch = new ImportWatch();
        var answers = SendLookupsAsync(http, hub, lookups, live.Count, watch);
        var progress = new List<Progress>();
        Restart? restart = null;
        Progress last;
        do
        {
            if (ready.Elapsed > timeout)
            {
                throw new TimeoutException($"The import did not end within {timeout}: {progress.LastOrDefault()}.");
            }

            await Task.Delay(PollEvery);
            last = await ProgressAsync(http, ready.Elapsed.TotalSeconds);
            progress.Add(last);
            watch.Latest = last;
            if (restartAt is { } fraction && restart is null && !last.Complete && last.Read >= fraction * live.Count)
            {
                var pagesBefore = sandbox.Sandbox.GetStats(Account).ContactPages;
                var down = Stopwatch.StartNew();
                await hub.RestartAsync(kill: true);
                restart = new Restart(last.Read, pagesBefore, down.Elapsed.TotalSeconds);
            }
        }
        while (!last.Complete);

        var stats = sandbox.Sandbox.GetStats(Account);
        var importSeconds = last.Seconds;
        var hubCpuSeconds = hub.CpuSeconds - hubCpu;
        var sandboxCpuSeconds = Environment.CpuUsage.TotalTime.TotalSeconds - sandboxCpu;
        var peakRss = hub.PeakRssMiB;
        var rssAtEnd = hub.RssMiB;
        var answered = await answers;

        long inOurCopy;
        await using (var connection = await hub.Database.OpenAsync(CancellationToken.None))
        {
            inOurCopy = await ProbesScenario.ScalarAsync(connection, $"SELECT COUNT(*) FROM contacts WHERE account = '{Account}'");
        }

        // What the import brought in is amoCRM's live contacts; AmoHub's own counter (read) can say more, see bench/README.md.
        var imported = live.Count;
        var limitSeconds = (double)stats.ContactPages / importPerSecond;
        var latencies = answered.Select(a => a.Milliseconds).ToList();
        var (p50, p95, p99) = LoadResult.Percentiles(latencies);
        var mismatches = answered.Count(a => !a.Matched && !a.CutByRestart);
        var extra = new Dictionary<string, double>
        {
            ["import s"] = importSeconds,
            ["limit s"] = limitSeconds,
            ["import/limit"] = importSeconds / limitSeconds,
            ["import req/s allowed"] = importPerSecond,
            ["contact pages"] = stats.ContactPages,
            ["amoCRM requests"] = stats.Requests,
            ["requests/1k contacts"] = stats.Requests * 1000.0 / imported,
            ["pages/1k contacts"] = stats.ContactPages * 1000.0 / imported,
            ["429s"] = stats.TooManyRequests,
            ["live contacts in amoCRM"] = live.Count,
            ["contacts in our copy"] = inOurCopy,
            ["dedup requests"] = answered.Count(a => !a.CutByRestart),
            ["dedup mismatches"] = mismatches,
            ["dedup max ms"] = latencies.DefaultIfEmpty(0).Max(),
            ["dedup p50 ms of contacts imported"] = LoadResult.Percentiles(answered.Where(a => a.Imported).Select(a => a.Milliseconds).ToList()).P50,
            ["dedup of contacts not yet imported"] = answered.Count(a => !a.Imported),
            ["their p50 ms"] = LoadResult.Percentiles(answered.Where(a => !a.Imported).Select(a => a.Milliseconds).ToList()).P50,
            ["their max ms"] = answered.Where(a => !a.Imported).Select(a => a.Milliseconds).DefaultIfEmpty(0).Max(),
            ["dedup answered after the import"] = answered.Count(a => a.AfterImport),
            ["read reported"] = last.Read,
            ["AmoHub cores"] = hubCpuSeconds / importSeconds,
            ["sandbox cores"] = sandboxCpuSeconds / importSeconds,
            ["sandbox CPU ms/page"] = sandboxCpuSeconds * 1000 / stats.ContactPages,
            ["RSS at end MiB"] = rssAtEnd,
            ["seeding s"] = seedSeconds,
            ["load avg 1 min"] = WebhooksScenario.LoadAverage(),
        };
        if (restart is not null)
        {
            // Reading the account from the start again would cost every page read before the kill once more.
            extra["restarted at read"] = restart.AtRead;
            extra["pages before restart"] = restart.PagesBefore;
            extra["pages if never killed"] = Math.Ceiling((double)imported / (EntitySync<AmoContact>.PageSize - 1));
            extra["restart s"] = restart.Seconds;
            extra["dedup requests cut by the restart"] = answered.Count(a => a.CutByRestart);
        }

        // Absent when the status did not give one at that point (a run too short for an estimate).
        foreach (var (name, value) in new[]
        {
            ("estimate at 25%/live", At(progress, importSeconds, 0.25)?.EstimatedTotal / (double)imported),
            ("estimate at 50%/live", At(progress, importSeconds, 0.50)?.EstimatedTotal / (double)imported),
            ("ETA at 50%/actual", At(progress, importSeconds, 0.50) is { Eta: { } eta } half ? eta.TotalSeconds / (importSeconds - half.Seconds) : null),
        })
        {
            if (value is { } known)
            {
                extra[name] = known;
            }
        }

        foreach (var answer in answered.Where(a => !a.Matched && !a.CutByRestart))
        {
            await Console.Error.WriteLineAsync(answer.Problem);
        }

        var engine = mySqlConnectionString is null ? "SQLite" : "MariaDB";
        return new LoadResult(
            (mySqlConnectionString is null ? "import" : "import-mysql") + (restart is null ? "" : "-restart"),
            string.Create(CultureInfo.InvariantCulture,
                $"{engine}, first import of {contacts} seeded contacts ({contacts / 100} phones held twice or thrice, {contacts / 100} deleted), share {share} = {importPerSecond} of 7 req/s{(restart is null ? "" : $", AmoHub killed (SIGKILL) and started again at {restartAt:P0} read")}; throughput in contacts/s imported, p50/p95/p99 of {answered.Count} dedup requests for seeded phones in another spelling during the import"),
            imported,
            mismatches,
            importSeconds,
            p50,
            p95,
            p99,
            hubCpuSeconds / imported * 1000,
            peakRss,
            (await WebhooksScenario.StorageBytesAsync(hub) - storageBefore) / (double)imported,
            extra);
    }

    /// <summary>
    /// The seeded sample's phones in another spelling (<c>8 903 123-45-67</c> becomes <c>+7(903)1234567</c>, an
    /// extension kept), each with the contact dedup must answer: the oldest (lowest id) live contact holding the
    /// number, as AmoHub keys it.
    /// </summary>
    private static List<Lookup> DedupLookups(IReadOnlyList<SeededContact> sample, IReadOnlyList<SandboxContact> live)
    {
        var phones = new PhoneNormalizer(new PhoneSettings());
        var digits = live.Select(contact => (contact.Id, Digits: contact.Phones.Select(phone => Digits(phone.Value)).ToList(), contact.Phones)).ToList();
        var lookups = new List<Lookup>();
        foreach (var contact in sample)
        {
            if (!phones.TryNormalize(contact.Phone, out var key))
            {
                continue;
            }

            var national = key[2..12];
            var extension = key.Split(";ext=") is [_, var ext] ? " доб. " + ext : "";
            var respelled = $"+7({national[..3]}){national[3..]}{extension}";
            if (!phones.TryNormalize(respelled, out var respelledKey) || respelledKey != key)
            {
                continue;
            }

            var holder = digits
                .Where(other => other.Digits.Any(d => d.Contains(national, StringComparison.Ordinal))
                    && other.Phones.Any(phone => phones.TryNormalize(phone.Value, out var otherKey) && otherKey == key))
                .Min(other => other.Id);
            lookups.Add(new Lookup(respelled, holder));
        }

        return lookups;

        static string Digits(string phone) => string.Concat(phone.Where(char.IsAsciiDigit));
    }

    /// <summary>
    /// Sends the lookups one at a time, the i-th once the import has read (i + ½) / n of the live contacts, so that they
    /// spread over it; one the import ends before is not sent. They go newest contact first: the import reads oldest
    /// change first, so the early ones mostly ask for a contact it has not reached yet (which dedup has to find in
    /// amoCRM), the late ones for one already in our copy. Whether it was is read from our copy just before sending.
    /// </summary>
    private static async Task<List<Answer>> SendLookupsAsync(HttpClient http, AmoHubUnderTest hub, List<Lookup> lookups, int liveContacts, ImportWatch watch)
    {
        var answers = new List<Answer>();
        for (var i = 0; i < lookups.Count; i++)
        {
            var due = (i + 0.5) / lookups.Count * liveContacts;
            while (watch.Latest is not { Complete: true } && (watch.Latest?.Read ?? 0) < due)
            {
                await Task.Delay(PollEvery);
            }

            if (watch.Latest is { Complete: true })
            {
                break;
            }

            var lookup = lookups[^(i + 1)];
            bool imported;
            await using (var connection = await hub.Database.OpenAsync(CancellationToken.None))
            {
                imported = await ProbesScenario.ScalarAsync(connection,
                    string.Create(CultureInfo.InvariantCulture, $"SELECT COUNT(*) FROM contacts WHERE account = '{Account}' AND amocrm_id = {lookup.ExpectedId}")) > 0;
            }

            var started = Stopwatch.GetTimestamp();
            HttpResponseMessage response;
            try
            {
                response = await http.PostAsJsonAsync("/api/contacts", new { name = "Тот же человек", phone = lookup.Phone });
            }
            catch (HttpRequestException exception)
            {
                // Sent while AmoHub was killed: the client sees the connection fail, as a caller would.
                answers.Add(new Answer(0, false, imported, false, exception.Message, CutByRestart: true));
                continue;
            }

            using var received = response;
            var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var body = await response.Content.ReadAsStringAsync();
            var id = response.StatusCode == HttpStatusCode.OK && JsonDocument.Parse(body).RootElement.TryGetProperty("amocrmId", out var amoCrmId)
                ? amoCrmId.GetInt64()
                : (long?)null;
            answers.Add(new Answer(milliseconds, id == lookup.ExpectedId, imported, watch.Latest is { Complete: true },
                string.Create(CultureInfo.InvariantCulture,
                    $"dedup of {lookup.Phone}: expected 200 with contact {lookup.ExpectedId}, got {(int)response.StatusCode} {body}")));
        }

        return answers;
    }

    private static async Task<Progress> ProgressAsync(HttpClient http, double seconds)
    {
        var status = await http.GetFromJsonAsync<JsonElement>($"/api/amocrm/status?account={Account}");
        if (!status.GetProperty("sync").TryGetProperty("contactsImport", out var import) || import.ValueKind != JsonValueKind.Object)
        {
            return new Progress(seconds, false, 0, null, null);
        }

        return new Progress(
            seconds,
            import.GetProperty("complete").GetBoolean(),
            import.GetProperty("read").GetInt64(),
            import.TryGetProperty("estimatedTotal", out var total) && total.ValueKind == JsonValueKind.Number ? total.GetInt64() : null,
            import.TryGetProperty("eta", out var eta) && eta.ValueKind == JsonValueKind.String ? TimeSpan.Parse(eta.GetString()!, CultureInfo.InvariantCulture) : null);
    }

    /// <summary>The progress <paramref name="fraction"/> of the way through the import, by time.</summary>
    private static Progress? At(List<Progress> progress, double importSeconds, double fraction) =>
        progress.FirstOrDefault(p => p.Seconds >= fraction * importSeconds);

    /// <summary>A seeded phone in another spelling, and the contact dedup must answer for it.</summary>
    private sealed record Lookup(string Phone, long ExpectedId);

    /// <summary>
    /// One dedup request: its answer time, whether it answered 200 with the expected contact, whether that contact was
    /// in our copy when it was sent, and whether the import had ended by the answer.
    /// </summary>
    private sealed record Answer(double Milliseconds, bool Matched, bool Imported, bool AfterImport, string Problem, bool CutByRestart = false);

    /// <summary>When AmoHub was killed: the contacts and pages read by then, and how long it took to be ready again.</summary>
    private sealed record Restart(long AtRead, long PagesBefore, double Seconds);

    /// <summary>The import's progress as <c>/api/amocrm/status</c> showed it <paramref name="Seconds"/> after AmoHub was ready.</summary>
    private sealed record Progress(double Seconds, bool Complete, long Read, long? EstimatedTotal, TimeSpan? Eta);

    /// <summary>The latest progress seen, shared by the poller and the dedup requests.</summary>
    private sealed class ImportWatch
    {
        private Progress? _latest;

        public Progress? Latest
        {
            get => Volatile.Read(ref _latest);
            set => Volatile.Write(ref _latest, value);
        }
    }
}
