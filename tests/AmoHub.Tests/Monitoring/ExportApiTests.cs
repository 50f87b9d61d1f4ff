using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Monitoring;

[Collection(SharedMonitoringHub.Name)]
public sealed class ExportApiTests(MonitoringApiFixture fixture)
{
    private static readonly string[] ResultHeader = ["id", "timestamp", "checkType", "status", "responseTime", "httpStatus", "errorCode", "errorMessage"];

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Results_export_as_CSV_holds_every_result_check_by_check_oldest_first_with_quoted_fields(StorageProvider engine)
    {
        var seeded = await fixture.GetAsync(engine);

        using var response = await seeded.Hub.Http.GetAsync("/api/export/health-checks?hours=72&format=csv", HttpCompletionOption.ResponseHeadersRead);

        response.EnsureSuccessStatusCode();
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Matches(@"^""?amohub-sandbox-health-checks-\d{8}T\d{6}Z\.csv""?$", response.Content.Headers.ContentDisposition?.FileName);
        var rows = ParseCsv(await response.Content.ReadAsStringAsync());
        Assert.Equal(ResultHeader, rows[0]);
        var expected = seeded.Results.OrderBy(r => r.CheckType).ThenBy(r => r.Result.Timestamp).ToList();
        Assert.Equal(expected.Count, rows.Count - 1);
        foreach (var (record, row) in expected.Zip(rows.Skip(1)))
        {
            Assert.Equal(record.Result.Timestamp, DateTimeOffset.Parse(row[1], CultureInfo.InvariantCulture));
            Assert.Equal(record.CheckType.ToWireName(), row[2]);
            Assert.Equal(record.Result.Status.ToWireName(), row[3]);
            Assert.Equal(record.Result.ResponseTimeMs.ToString(CultureInfo.InvariantCulture), row[4]);
            Assert.Equal(record.Result.HttpStatus?.ToString(CultureInfo.InvariantCulture), row[5]);
            Assert.Equal(record.Result.ErrorCode ?? "", row[6]);
            Assert.Equal(record.Result.ErrorMessage ?? "", row[7]);
        }
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Results_export_as_JSON_of_one_check_is_an_array_of_its_results(StorageProvider engine)
    {
        var seeded = await fixture.GetAsync(engine);

        using var response = await seeded.Hub.Http.GetAsync($"/api/export/health-checks?hours=24&format=json&checkType=POST&account={MonitoringApiFixture.Account}");

        response.EnsureSuccessStatusCode();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith(".json", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        var items = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();
        var from = DateTimeOffset.UtcNow.AddHours(-24);
        var expected = seeded.Results.Where(r => r.CheckType == CheckType.Post).OrderBy(r => r.Result.Timestamp).ToList();

        // The range ends now and starts 24 h before the request; the test's clock read is a moment later.
        var within = expected.Where(r => r.Result.Timestamp >= from.AddSeconds(-30)).ToList();
        Assert.InRange(items.Count, expected.Count(r => r.Result.Timestamp >= from), within.Count);
        foreach (var (record, item) in within.Skip(within.Count - items.Count).Zip(items))
        {
            Assert.Equal(record.Result.Timestamp, item.GetProperty("timestamp").GetDateTimeOffset());
            Assert.Equal("POST", item.GetProperty("checkType").GetString());
            Assert.Equal(record.Result.ResponseTimeMs, item.GetProperty("responseTime").GetInt32());
            Assert.Equal(record.Result.ErrorMessage, item.GetProperty("errorMessage").GetString());
        }
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Incidents_and_stats_export_as_the_rows_of_the_range(StorageProvider engine)
    {
        var seeded = await fixture.GetAsync(engine);

        var incidents = await seeded.Hub.Http.GetFromJsonAsync<JsonElement>("/api/export/incidents?hours=72&format=json");
        using var statsResponse = await seeded.Hub.Http.GetAsync("/api/export/stats?hours=72");
        var stats = await seeded.Hub.Http.GetFromJsonAsync<JsonElement>("/api/stats?hours=72");

        var to = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var from = to - (72 * 3_600_000L);
        var expected = seeded.Incidents.Where(i => i.Start < to && (i.End ?? to) > from).ToList();
        var exported = incidents.EnumerateArray().ToList();
        Assert.Equal(expected.Select(i => i.Details), exported.Select(i => i.GetProperty("details").GetString()));
        Assert.Equal(expected.Select(i => i.End), exported.Select(i => i.GetProperty("endTime").ValueKind == JsonValueKind.Null ? (long?)null : i.GetProperty("endTime").GetDateTimeOffset().ToUnixTimeMilliseconds()));
        Assert.Equal(expected.Select(i => i.End - i.Start), exported.Select(i => i.GetProperty("duration").ValueKind == JsonValueKind.Null ? (long?)null : i.GetProperty("duration").GetInt64()));

        Assert.Equal("text/csv", statsResponse.Content.Headers.ContentType?.MediaType);
        var rows = ParseCsv(await statsResponse.Content.ReadAsStringAsync());
        Assert.Equal("checkType", rows[0][0]);
        Assert.Equal("totalChecks", rows[0][1]);
        Assert.Equal(
            stats.GetProperty("checks").EnumerateArray().Select(c => (c.GetProperty("checkType").GetString(), c.GetProperty("totalChecks").GetInt64().ToString(CultureInfo.InvariantCulture))),
            rows.Skip(1).Select(r => ((string?)r[0], r[1])));
    }

    /// <summary>RFC 4180: fields separated by commas, rows by CRLF, quoted fields may hold both and doubled quotes.</summary>
    private static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add([.. row]);
                row.Clear();
                i++;
            }
            else
            {
                field.Append(c);
            }
        }

        Assert.Empty(row);
        Assert.Equal(0, field.Length);
        return rows;
    }
}
