using System.Buffers.Binary;
using System.Data.Common;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using AmoHub.Sandbox;
using AmoHub.ServiceDefaults.Storage;
using Microsoft.Data.Sqlite;

namespace AmoHub.Bench;

/// <summary>
/// <c>probes</c>: N probe grains at AmoHub's default 30 s interval on one silo, against an amoCRM sandbox that runs
/// in this process (so AmoHub's CPU and memory are its own). N/5 accounts, each with all five checks: the API
/// checks stay inside the sandbox's 7 requests/s per account, the test lead and contact are made in the sandbox
/// first, and the webhooks are subscribed so the Digital Pipeline round trip works as it would in production.
/// After one interval of warm-up, the checks that went out in the measured minutes are read back from
/// <c>health_checks</c> (the view of <c>check_results</c> by names).
/// </summary>
public static class ProbesScenario
{
    private const int SetupConnections = 8;

    internal static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    /// <summary>A check this little before its slot (a timer firing early, a timestamp cut to the millisecond) is on time.</summary>
    internal static readonly TimeSpan EarlyTolerance = TimeSpan.FromSeconds(1);

    /// <summary>How long a check may run after it went out (the Digital Pipeline probe's timeout) before its row is written.</summary>
    internal static readonly TimeSpan Settle = TimeSpan.FromSeconds(65);

    internal static readonly string[] CheckTypes = ["GET", "POST", "WEB", "HOOK", "DP"];

    /// <summary>
    /// Runs the scenario with <paramref name="probes"/> probes: adds the accounts, waits <paramref name="warmup"/> after
    /// the last one, then measures for <paramref name="minutes"/> minutes.
    /// </summary>
    public static async Task<LoadResult> RunAsync(string repository, int probes, int minutes, TimeSpan warmup, string? mySqlConnectionString)
    {
        var accounts = Enumerable.Range(0, Math.Max(1, probes / CheckTypes.Length))
            .Select(i => string.Create(CultureInfo.InvariantCulture, $"bench-{i:D5}"))
            .ToList();
        await using var sandbox = await StandaloneSandbox.StartAsync();
        await using var hub = await AmoHubUnderTest.StartAsync(repository, mySqlConnectionString,
            new Dictionary<string, string> { ["AmoHub__Sandbox__Enabled"] = "false" });
        using var http = new HttpClient { BaseAddress = hub.Api, Timeout = TimeSpan.FromMinutes(5) };

        var began = DateTimeOffset.UtcNow;
        var added = 0;
        await Parallel.ForEachAsync(accounts, new ParallelOptions { MaxDegreeOfParallelism = SetupConnections }, async (subdomain, cancellationToken) =>
        {
            await AddAccountAsync(http, sandbox, hub.Api, subdomain, cancellationToken);
            if (Interlocked.Increment(ref added) is var done && done % Math.Max(1, accounts.Count / 10) == 0)
            {
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{DateTimeOffset.UtcNow:HH:mm:ss} {done} of {accounts.Count} accounts added"));
            }
        });
        var setupSeconds = (DateTimeOffset.UtcNow - began).TotalSeconds;

        await Task.Delay(warmup);
        var before = await SampleAsync(hub, sandbox, accounts);
        var from = DateTimeOffset.UtcNow;
        await Task.Delay(TimeSpan.FromMinutes(minutes));
        var to = DateTimeOffset.UtcNow;
        var during = await SampleAsync(hub, sandbox, accounts);
        var rss = hub.RssMiB;
        var load = double.Parse((await File.ReadAllTextAsync("/proc/loadavg")).Split(' ')[1], CultureInfo.InvariantCulture);
        await Task.Delay(Settle);
        var after = await SampleAsync(hub, sandbox, accounts);

        var checks = await ChecksAsync(hub.Database, from, to);
        var falseIncidents = await IncidentsSinceAsync(hub.Database, began);
        var falseIncidentsInWindow = await IncidentsSinceAsync(hub.Database, from);
        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"accounts added from {began:HH:mm:ss} to {began.AddSeconds(setupSeconds):HH:mm:ss}, measured from {from:HH:mm:ss} to {to:HH:mm:ss}"));
        var notUp = checks.Where(check => check.Status != "up")
            .GroupBy(check => $"{check.CheckType} {check.Status} {check.ErrorCode}")
            .Select(group => string.Create(CultureInfo.InvariantCulture, $"measured checks not up: {group.Count()} {group.Key}"));
        var perType = checks.GroupBy(check => check.CheckType)
            .Select(group => string.Create(CultureInfo.InvariantCulture, $"measured {group.Key} checks: {group.Count()} of {accounts.Count * minutes * 60 / Interval.TotalSeconds:0} slots"));
        foreach (var problem in perType.Concat(notUp).Concat(falseIncidents.Select(incident => "false incident: " + incident)).Concat(FailedDeliveries(sandbox, accounts)))
        {
            await Console.Error.WriteLineAsync(problem);
        }

        var seconds = (to - from).TotalSeconds;
        var rowsAdded = after.Rows - before.Rows;
        var lateness = checks.Select(Lateness).ToList();
        var (p50, p95, p99) = LoadResult.Percentiles(lateness.Select(late => late.TotalMilliseconds).ToList());
        var (webP50, _, webP99) = LoadResult.Percentiles(
            checks.Zip(lateness).Where(pair => pair.First.CheckType == "WEB").Select(pair => pair.Second.TotalMilliseconds).ToList());
        var extra = new Dictionary<string, double>
        {
            ["checks/min"] = checks.Count / seconds * 60,
            ["expected/min"] = accounts.Count * CheckTypes.Length * (60 / Interval.TotalSeconds),
            ["WEB lateness p50 ms"] = webP50,
            ["WEB lateness p99 ms"] = webP99,
            ["not up"] = checks.Count(check => check.Status != "up"),
            ["false incidents"] = falseIncidents.Count,
            ["of them after warm-up"] = falseIncidentsInWindow.Count,
            ["AmoHub cores"] = (during.HubCpu - before.HubCpu) / seconds,
            ["sandbox cores"] = (during.SandboxCpu - before.SandboxCpu) / seconds,
            ["amoCRM req/s"] = (during.Requests - before.Requests) / seconds,
            ["429s"] = after.TooManyRequests,
            ["webhook failures"] = after.WebhookFailures,
            ["of them while measuring"] = during.WebhookFailures - before.WebhookFailures,
            ["RSS at end MiB"] = rss,
            ["setup s"] = setupSeconds,
            ["load avg 5 min"] = load,
        };
        extra["DB bytes/check"] = (after.DatabaseBytes - before.DatabaseBytes) / (double)rowsAdded;

        var engine = mySqlConnectionString is null ? "SQLite" : "MariaDB";
        return new LoadResult(
            string.Create(CultureInfo.InvariantCulture, $"probes-{accounts.Count * CheckTypes.Length}"),
            string.Create(CultureInfo.InvariantCulture,
                $"{engine}, {accounts.Count * CheckTypes.Length} probes ({accounts.Count} accounts × 5 checks), {Interval.TotalSeconds:0} s interval, {warmup.TotalSeconds:0} s warm-up, {minutes} min, sandbox 7 req/s"),
            checks.Count,
            falseIncidents.Count,
            seconds,
            p50,
            p95,
            p99,
            (during.HubCpu - before.HubCpu) / checks.Count * 1000,
            hub.PeakRssMiB,
            after.TableBytes is { } tableBytes && before.TableBytes is { } tableBytesBefore
                ? (tableBytes - tableBytesBefore) / (double)rowsAdded
                : await SqliteBytesPerRowAsync(hub.DatabaseFile, before.LastId, after.LastId),
            extra);
    }

    /// <summary>
    /// Makes the account's test lead and contact in the sandbox, adds the account to AmoHub (which starts its five
    /// probes) and subscribes its webhooks to AmoHub, as an operator would.
    /// </summary>
    internal static async Task AddAccountAsync(HttpClient http, SandboxServer sandbox, Uri hub, string subdomain, CancellationToken cancellationToken)
    {
        var lead = sandbox.Sandbox.CreateLeadAsUser(subdomain, "AmoHub bench (POST probe)");
        var contact = sandbox.Sandbox.CreateContactAsUser(subdomain, "AmoHub bench (DP probe)");
        using var added = await http.PostAsJsonAsync("/api/accounts", new
        {
            subdomain,
            baseUrl = new Uri(sandbox.Url, subdomain + "/"),
            testLeadId = lead.Id,
            testContactId = contact.Id,
            accessToken = sandbox.AccessToken,
        }, cancellationToken);
        added.EnsureSuccessStatusCode();
        using var subscribed = await http.PostAsJsonAsync(
            new Uri($"/api/amocrm/webhooks?account={subdomain}", UriKind.Relative), new { publicUrl = hub }, cancellationToken);
        subscribed.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// How late a check went out against its probe's slot: the probe's phase is the first 8 bytes of the SHA-256
    /// of its grain key, little-endian, modulo the interval, and its slots sit at that phase in every interval of
    /// UTC ticks, as <c>ProbeGrain</c> schedules them.
    /// </summary>
    internal static TimeSpan Lateness(StoredCheck check)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{check.Account}/probe:{check.CheckType}"));
        var phase = (long)(BinaryPrimitives.ReadUInt64LittleEndian(digest) % (ulong)Interval.Ticks);
        var sinceSlot = TimeSpan.FromTicks(((check.WentOut.UtcTicks - phase) % Interval.Ticks + Interval.Ticks) % Interval.Ticks);
        return sinceSlot > Interval - EarlyTolerance ? TimeSpan.Zero : sinceSlot;
    }

    private static async Task<Sample> SampleAsync(AmoHubUnderTest hub, SandboxServer sandbox, List<string> accounts)
    {
        var stats = accounts.Select(sandbox.Sandbox.GetStats).ToList();
        var databaseBytes = await WebhooksScenario.StorageBytesAsync(hub);
        await using var connection = await hub.Database.OpenAsync(CancellationToken.None);
        long? tableBytes = hub.Database.Provider == StorageProvider.Sqlite
            ? null
            : await ScalarAsync(connection,
                "SELECT data_length + index_length FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'check_results'");
        return new Sample(
            hub.CpuSeconds,
            Environment.CpuUsage.TotalTime.TotalSeconds,
            await ScalarAsync(connection, "SELECT COUNT(*) FROM check_results"),
            await ScalarAsync(connection, "SELECT COALESCE(MAX(id), 0) FROM check_results"),
            tableBytes,
            databaseBytes,
            stats.Sum(account => account.Requests),
            stats.Sum(account => account.TooManyRequests),
            stats.Sum(account => account.WebhookFailures));
    }

    /// <summary>
    /// The bytes <c>check_results</c> (the raw results) spends per row on SQLite, whose bundled build has no
    /// <c>dbstat</c> to size one table: the rows after <paramref name="afterId"/> up to <paramref name="lastId"/> are
    /// copied, in the order AmoHub inserted them, into an empty table with the same schema in a file of its own, and
    /// that file's growth is divided by their number.
    /// </summary>
    private static async Task<double> SqliteBytesPerRowAsync(string databaseFile, long afterId, long lastId)
    {
        var copy = Path.Combine(Path.GetTempPath(), $"amohub-bench-{Guid.NewGuid():N}.db");
        try
        {
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Pooling = false }.ConnectionString);
            await connection.OpenAsync();
            await using (var attach = connection.CreateCommand())
            {
                attach.CommandText = "ATTACH DATABASE @file AS live";
                Parameter(attach, "@file", databaseFile);
                await attach.ExecuteNonQueryAsync();
            }

            var schema = new List<string>();
            await using (var read = connection.CreateCommand())
            {
                read.CommandText = "SELECT sql FROM live.sqlite_schema WHERE tbl_name = 'check_results' AND sql IS NOT NULL ORDER BY type DESC";
                await using var reader = await read.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    schema.Add(reader.GetString(0));
                }
            }

            foreach (var statement in schema)
            {
                await ExecuteAsync(connection, statement);
            }

            const string Size = "SELECT page_count * page_size FROM pragma_page_count('main'), pragma_page_size('main')";
            var empty = await ScalarAsync(connection, Size);
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO main.check_results SELECT * FROM live.check_results WHERE id > @after AND id <= @last ORDER BY id";
            Parameter(insert, "@after", afterId);
            Parameter(insert, "@last", lastId);
            var rows = await insert.ExecuteNonQueryAsync();
            return (await ScalarAsync(connection, Size) - empty) / (double)rows;
        }
        finally
        {
            File.Delete(copy);
        }
    }

    internal static async Task<List<StoredCheck>> ChecksAsync(AmoHubDatabase database, DateTimeOffset from, DateTimeOffset to)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT account, check_type, timestamp, status, error_code FROM health_checks WHERE timestamp >= @from AND timestamp < @to";
        Parameter(command, "@from", from.ToUnixTimeMilliseconds());
        Parameter(command, "@to", to.ToUnixTimeMilliseconds());
        var checks = new List<StoredCheck>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            checks.Add(new StoredCheck(reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return checks;
    }

    /// <summary>Incidents opened since the run began, described: the target is healthy throughout, so every one is false.</summary>
    private static async Task<List<string>> IncidentsSinceAsync(AmoHubDatabase database, DateTimeOffset since)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT account, check_type, start_time, error_code, details FROM incidents WHERE start_time >= @since ORDER BY start_time";
        Parameter(command, "@since", since.ToUnixTimeMilliseconds());
        var incidents = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            incidents.Add(string.Create(CultureInfo.InvariantCulture,
                $"{reader.GetString(0)}/{reader.GetString(1)} at {DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)):HH:mm:ss.fff}: {(reader.IsDBNull(3) ? "" : reader.GetString(3))} {(reader.IsDBNull(4) ? "" : reader.GetString(4))}"));
        }

        return incidents;
    }

    /// <summary>The sandbox's failed webhook deliveries, by their error and the entity they were about, with when they happened.</summary>
    internal static IEnumerable<string> FailedDeliveries(SandboxServer sandbox, List<string> accounts) =>
        accounts.SelectMany(sandbox.Sandbox.GetDeliveries)
            .Where(delivery => !delivery.Succeeded)
            .GroupBy(delivery => (delivery.Error, Entity: delivery.Form[0].Key.Split('[')[0]))
            .Select(failures => string.Create(CultureInfo.InvariantCulture,
                $"{failures.Count()} webhook deliveries about {failures.Key.Entity} failed from {failures.Min(d => d.At):HH:mm:ss} to {failures.Max(d => d.At):HH:mm:ss}: {failures.Key.Error}"));

    internal static async Task<long> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync() is { } value and not DBNull ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : 0;
    }

    internal static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    internal static void Parameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>One row of <c>health_checks</c>: whose check, of which type, when its request went out, its status and why.</summary>
    internal sealed record StoredCheck(string Account, string CheckType, DateTimeOffset WentOut, string Status, string? ErrorCode);

    /// <summary>
    /// The counters at one moment: AmoHub's and this process's (the sandbox's) CPU seconds; the rows of
    /// <c>check_results</c> and its last id; on MySQL its bytes and those of every table (data and indexes), on SQLite
    /// the live bytes of the whole database (pages in use, whether still in the WAL or not); the sandbox's request, 429
    /// and failed-delivery counts.
    /// </summary>
    private sealed record Sample(
        double HubCpu,
        double SandboxCpu,
        long Rows,
        long LastId,
        long? TableBytes,
        long DatabaseBytes,
        long Requests,
        long TooManyRequests,
        long WebhookFailures);
}
