using System.Globalization;
using System.Net;
using System.Text;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Telemetry;

public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_show_amoCRM_calls_probe_results_webhook_events_and_HTTP_requests_moving_after_traffic()
    {
        // A process of its own: ASP.NET Core's meters belong to their host, and a test process holds many hosts.
        using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using var hub = AmoHubProcess.StartSilo(SiloSettings.For(database));
        await hub.WaitUntilReadyAsync(TimeSpan.FromSeconds(180));
        var before = await ScrapeAsync(hub.Http);

        using var subscribed = await hub.Http.PostAsync("/api/amocrm/webhooks", null);
        Assert.Equal(HttpStatusCode.OK, subscribed.StatusCode);
        using var created = await hub.Http.PostAsync("/api/contacts", Json("""{"name": "Метрика", "phone": "+7 903 555-88-01"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var after = await Eventually.MatchAsync(
            () => ScrapeAsync(hub.Http),
            text => Sum(text, "amohub_amocrm_requests_total", "account=\"sandbox\"") > Sum(before, "amohub_amocrm_requests_total", "account=\"sandbox\"")
                && Sum(text, "amohub_probe_results_total", "account=\"sandbox\"") > Sum(before, "amohub_probe_results_total", "account=\"sandbox\"")
                && Sum(text, "amohub_webhook_events_applied_total", "account=\"sandbox\"") >= Sum(before, "amohub_webhook_events_applied_total", "account=\"sandbox\"") + 1
                && Sum(text, "http_server_request_duration_seconds_count", "http_route=\"/api/contacts/\"")
                    > Sum(before, "http_server_request_duration_seconds_count", "http_route=\"/api/contacts/\""),
            TimeSpan.FromSeconds(180),
            "AmoHub's counters and the HTTP server's request count to move");

        Assert.True(Sum(after, "amohub_webhook_events_accepted_total", "account=\"sandbox\"") >= Sum(before, "amohub_webhook_events_accepted_total", "account=\"sandbox\"") + 1);
        Assert.True(Sum(after, "amohub_probe_response_time_milliseconds_count", "check_type=\"GET\"") > 0);
        Assert.True(Sum(after, "amohub_probe_lateness_milliseconds_count", "") > 0);
        Assert.Equal(7, Sum(after, "amohub_amocrm_budget_limit", "account=\"sandbox\""));
        Assert.Contains("amohub_amocrm_budget_in_use{", after, StringComparison.Ordinal);
        Assert.True(Sum(after, "http_client_request_duration_seconds_count", "") > 0);
        Assert.True(Sum(after, "orleans_catalog_activations", "") > 0);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<string> ScrapeAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The sum of the samples of <paramref name="metric"/> whose labels contain <paramref name="label"/>.</summary>
    private static double Sum(string exposition, string metric, string label) =>
        exposition.Split('\n')
            .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal))
            .Where(line => line.Contains(label, StringComparison.Ordinal))
            .Select(line => line[(line.LastIndexOf('}') + 1 is > 0 and var end ? end : metric.Length)..].Trim().Split(' ')[0])
            .Sum(value => double.Parse(value, CultureInfo.InvariantCulture));
}
