using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Monitoring.Incidents;
using AmoHub.Grains.Probes;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace AmoHub.Tests.Monitoring;

/// <summary>An incident the tests open (and close when it has an end) through AmoHub's incident store, times in unix ms.</summary>
public sealed record SampleIncident(string CheckType, long Start, long? End, string Details);

/// <summary>
/// Known probe results and incidents, spread over past days with explicit timestamps, and the statistics the tests
/// expect computed straight from them. Percentiles are nearest-rank, the definition AmoHub documents: the smallest
/// value with at least ceil(p × N / 100) values at or below it.
/// </summary>
public static class MonitoringSamples
{
    /// <summary>Error messages that need CSV quoting.</summary>
    private static readonly string[] Messages = ["Bad gateway, upstream \"amo\" said:\nno", " leading space", "plain failure", "семь, восемь"];

    /// <summary>
    /// Results of GET, POST and WEB every 37 s (a different second and millisecond per check, so no two share a
    /// timestamp) from <paramref name="hoursBack"/> hours before <paramref name="now"/> until 10 minutes before it,
    /// and one GET result at <paramref name="now"/> (to the millisecond, as stored), in the current minute.
    /// </summary>
    public static IReadOnlyList<HealthCheckRecord> Results(string account, DateTimeOffset now, int hoursBack, int seed = 7)
    {
        var random = new Random(seed);
        var records = new List<HealthCheckRecord>();
        CheckType[] checks = [CheckType.Get, CheckType.Post, CheckType.Web];
        var start = now.AddHours(-hoursBack).ToUnixTimeMilliseconds();
        var end = now.AddMinutes(-10).ToUnixTimeMilliseconds();
        for (var step = 0L; start + (step * 37_000) < end; step++)
        {
            for (var c = 0; c < checks.Length; c++)
            {
                var timestamp = DateTimeOffset.FromUnixTimeMilliseconds(start + (step * 37_000) + (c * 10_000) + random.Next(1000));
                var roll = random.Next(100);
                var result = roll switch
                {
                    < 85 => new CheckResult(timestamp, HealthStatus.Up, random.Next(40, 800), 200, null),
                    < 95 => new CheckResult(timestamp, HealthStatus.Warning, random.Next(800, 3000), 429, "slow answer", CheckErrorCodes.Slow),
                    _ => new CheckResult(timestamp, HealthStatus.Down, random.Next(0, 10_000), 502, Messages[random.Next(Messages.Length)], CheckErrorCodes.ServerError),
                };
                records.Add(new HealthCheckRecord(account, checks[c], result));
            }
        }

        var current = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        records.Add(new HealthCheckRecord(account, CheckType.Get, new CheckResult(current, HealthStatus.Up, random.Next(40, 800), 200, null)));
        return records;
    }

    /// <summary>
    /// Incidents of GET and POST: closed ones at several distances, one crossing a day edge, one crossing the edge of
    /// the last 72 hours, one still open.
    /// </summary>
    public static IReadOnlyList<SampleIncident> Incidents(DateTimeOffset now)
    {
        long Ago(double hours) => now.AddHours(-hours).ToUnixTimeMilliseconds();
        return
        [
            new("GET", Ago(30), Ago(29.8), "502 for 12 minutes"),
            new("GET", Ago(100), Ago(90), "a long outage, older than three days"),
            new("GET", Ago(2), null, "still down"),
            new("POST", Ago(25), Ago(23), "across the edge of the last 24 hours"),
            new("POST", Ago(73), Ago(71), "across the edge of the last 72 hours"),
        ];
    }

    /// <summary>Writes results through AmoHub's result writer, a batch at a time (so buckets are merged across batches).</summary>
    public static async Task WriteAsync(HealthCheckLog log, IReadOnlyList<HealthCheckRecord> records, int batchSize = 500)
    {
        foreach (var batch in records.Chunk(batchSize))
        {
            await log.WriteAsync(batch, CancellationToken.None);
        }
    }

    /// <summary>A result writer on a test database (not started: the tests call it directly).</summary>
    public static HealthCheckLog Writer(TestDatabase database) => new(database.Database, NullLogger<HealthCheckLog>.Instance);

    /// <summary>
    /// Opens the incidents through AmoHub's incident store, in order, and closes those with an end; returns their ids
    /// in the same order.
    /// </summary>
    public static async Task<IReadOnlyList<long>> InsertIncidentsAsync(AmoHubDatabase database, string account, IEnumerable<SampleIncident> incidents)
    {
        var store = new IncidentStore(database, TimeProvider.System);
        var ids = new List<long>();
        foreach (var incident in incidents)
        {
            var checkType = CheckTypes.All.Single(c => c.ToWireName() == incident.CheckType);
            var start = DateTimeOffset.FromUnixTimeMilliseconds(incident.Start);
            ids.Add(await store.OpenAsync(account, checkType, start, incident.Details, null, null));
            if (incident.End is { } end)
            {
                await store.CloseAsync(account, checkType, start, DateTimeOffset.FromUnixTimeMilliseconds(end));
            }
        }

        return ids;
    }

    /// <summary>The nearest-rank percentile of <paramref name="values"/>.</summary>
    public static int NearestRank(IEnumerable<int> values, int percent)
    {
        var sorted = values.Order().ToArray();
        var rank = Math.Max(1, (int)Math.Ceiling(percent * (decimal)sorted.Length / 100));
        return sorted[rank - 1];
    }
}
