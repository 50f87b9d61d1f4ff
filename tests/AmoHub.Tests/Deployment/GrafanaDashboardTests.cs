using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Deployment;

/// <summary>
/// The Grafana dashboard <c>deploy/grafana/amohub.json</c>: its queries are PromQL Prometheus accepts, and every
/// metric it and the alert rules read is one a live AmoHub serves, so renaming a metric breaks the build.
/// </summary>
public sealed class GrafanaDashboardTests
{
    /// <summary>Series Prometheus makes itself rather than scrapes.</summary>
    private static readonly string[] PrometheusOwn = ["up"];

    [Fact]
    public async Task Every_dashboard_query_is_PromQL_that_promtool_accepts()
    {
        var expressions = MonitoringFiles.DashboardExpressions().ToList();
        Assert.NotEmpty(expressions);
        var rules = new JsonObject
        {
            ["groups"] = new JsonArray(new JsonObject
            {
                ["name"] = "dashboard",
                ["rules"] = new JsonArray(expressions.Select((expression, index) => (JsonNode)new JsonObject
                {
                    ["record"] = $"dashboard:query{index}",
                    ["expr"] = expression,
                }).ToArray()),
            }),
        };
        var file = Path.Combine(Path.GetTempPath(), $"amohub-dashboard-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(file, rules.ToJsonString());
        try
        {
            var result = await ExternalTool.RunAsync("promtool", ["check", "rules", file], Path.GetTempPath(), null);
            Assert.True(result.ExitCode == 0, $"promtool refuses a dashboard query:\n{result.Output}{result.Error}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_dashboard_has_an_account_variable_that_every_per_account_query_uses()
    {
        var dashboard = MonitoringFiles.Dashboard();
        Assert.Contains(dashboard["templating"]!["list"]!.AsArray(), variable => (string?)variable!["name"] == "account");
        var perAccount = dashboard["panels"]!.AsArray()
            .SelectMany(panel => panel!["targets"]?.AsArray() ?? [])
            .Select(target => (string)target!["expr"]!)
            .Where(expression => expression.Contains("account", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(perAccount);
        Assert.All(perAccount, expression => Assert.Contains("account=~\"$account\"", expression, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_metric_the_dashboard_and_the_alert_rules_read_is_in_a_live_scrape()
    {
        var used = MonitoringFiles.DashboardExpressions().Concat(MonitoringFiles.RuleExpressions())
            .SelectMany(MonitoringFiles.MetricNames)
            .Except(PrometheusOwn)
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("amohub_probe_response_time_milliseconds_bucket", used);

        // A process of its own: ASP.NET Core's meters belong to their host, and a test process holds many hosts.
        using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using var hub = AmoHubProcess.StartSilo(SiloSettings.For(database));
        await hub.WaitUntilReadyAsync(TimeSpan.FromSeconds(180));
        using var subscribed = await hub.Http.PostAsync("/api/amocrm/webhooks", null);
        Assert.Equal(HttpStatusCode.OK, subscribed.StatusCode);
        using var created = await hub.Http.PostAsync(
            "/api/contacts", new StringContent("""{"name": "Дашборд", "phone": "+7 903 555-88-02"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // Probes have run, the contact's webhook came back and was applied, and the health checks were published.
        var missing = await Eventually.MatchAsync(
            async () => used.Except(await ScrapedNamesAsync(hub.Http)).Order(StringComparer.Ordinal).ToList(),
            names => names.Count == 0,
            TimeSpan.FromSeconds(180),
            "every metric the dashboard and the rules read to be scraped");
        Assert.Empty(missing);
    }

    /// <summary>The series names of a scrape (histograms as their <c>_bucket</c>, <c>_sum</c> and <c>_count</c>).</summary>
    private static async Task<HashSet<string>> ScrapedNamesAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var exposition = await response.Content.ReadAsStringAsync();
        return exposition.Split('\n')
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line[..line.IndexOfAny(['{', ' '])])
            .ToHashSet(StringComparer.Ordinal);
    }
}
