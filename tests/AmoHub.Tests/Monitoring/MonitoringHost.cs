using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Monitoring;

/// <summary>Starts AmoHub with fast probes, and reads its monitoring API.</summary>
internal static class MonitoringHost
{
    public static readonly string[] AllChecks = ["GET", "POST", "WEB", "HOOK", "DP"];

    /// <summary>
    /// Probes every second, one good result to recover, plus <paramref name="extra"/>. The timeouts (5 s, DP 15 s)
    /// are far above a loaded test machine's slowest answer, so a check fails only when a test makes it fail.
    /// </summary>
    public static Dictionary<string, string> FastProbes(IReadOnlyDictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["AmoHub:Probes:Enabled"] = "true",
            ["AmoHub:Probes:Interval"] = "00:00:01",
            ["AmoHub:Probes:Timeout"] = "00:00:05",
            ["AmoHub:Probes:RecoverAfter"] = "1",
            ["AmoHub:Probes:Thresholds:Dp:Timeout"] = "00:00:15",
            // Accounts the tests add over the API point at stand-in amoCRMs on loopback.
            ["AmoHub:AmoCrm:AllowedHosts:0"] = "127.0.0.1",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return settings;
    }

    public static Task<InProcessAmoHub> StartAsync(StorageProvider engine, IReadOnlyDictionary<string, string>? extra = null) =>
        InProcessAmoHub.StartAsync(engine, FastProbes(extra));

    public static Task<InProcessAmoHub> StartOnAsync(TestDatabase database, IReadOnlyDictionary<string, string>? extra = null) =>
        InProcessAmoHub.StartOnAsync(database, FastProbes(extra));

    public static async Task<List<JsonElement>> ChecksAsync(InProcessAmoHub hub, string account = "sandbox") =>
        (await hub.Http.GetFromJsonAsync<JsonElement>($"/api/status?account={account}")).GetProperty("checks").EnumerateArray().ToList();

    /// <summary>The check of <paramref name="checkType"/>, or an undefined element when the status has none.</summary>
    public static JsonElement Check(this List<JsonElement> checks, string checkType) =>
        checks.FirstOrDefault(c => c.GetProperty("checkType").GetString() == checkType);

    public static string Status(this List<JsonElement> checks, string checkType) =>
        checks.Check(checkType) is { ValueKind: JsonValueKind.Object } check ? check.GetProperty("status").GetString()! : "missing";

    /// <summary>The reason the check of <paramref name="checkType"/> gives for its status, if any.</summary>
    public static string? Reason(this List<JsonElement> checks, string checkType) =>
        checks.Check(checkType) is { ValueKind: JsonValueKind.Object } check ? check.GetProperty("reason").GetString() : null;

    /// <summary>Waits until every check of <paramref name="account"/> reports <paramref name="status"/>.</summary>
    public static Task<List<JsonElement>> WaitForAllAsync(InProcessAmoHub hub, string status, string account = "sandbox", int seconds = 30) =>
        Eventually.MatchAsync(
            () => ChecksAsync(hub, account),
            checks => AllChecks.All(type => checks.Status(type) == status),
            TimeSpan.FromSeconds(seconds),
            $"all five checks of {account} to report {status}");

    public static async Task<List<JsonElement>> IncidentsAsync(InProcessAmoHub hub, string account = "sandbox", string query = "") =>
        (await hub.Http.GetFromJsonAsync<JsonElement>($"/api/incidents?account={account}{query}")).EnumerateArray().ToList();

    // A probe publishes its status before it writes the incident's open or close, so after a status change the
    // incident table may trail it a moment: the two waits below poll it.

    /// <summary>Waits until <paramref name="count"/> incidents are open, and returns them.</summary>
    public static Task<List<JsonElement>> WaitForOpenIncidentsAsync(InProcessAmoHub hub, int count) =>
        Eventually.MatchAsync(() => IncidentsAsync(hub, query: "&open=true"), open => open.Count == count, TimeSpan.FromSeconds(20), $"{count} open incidents");

    /// <summary>Waits until every incident in <paramref name="ids"/> is closed, and returns all the account's incidents.</summary>
    public static Task<List<JsonElement>> WaitForClosedAsync(InProcessAmoHub hub, IReadOnlySet<long> ids) =>
        Eventually.MatchAsync(
            () => IncidentsAsync(hub),
            all => all.Count(incident => ids.Contains(incident.GetProperty("id").GetInt64()) && !incident.GetProperty("open").GetBoolean()) == ids.Count,
            TimeSpan.FromSeconds(20),
            $"incidents {string.Join(", ", ids)} to be closed");

    /// <summary>The ids of <paramref name="incidents"/>.</summary>
    public static HashSet<long> Ids(IEnumerable<JsonElement> incidents) => incidents.Select(incident => incident.GetProperty("id").GetInt64()).ToHashSet();
}
