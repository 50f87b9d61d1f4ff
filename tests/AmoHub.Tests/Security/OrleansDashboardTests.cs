using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Security;

[Collection(SecuredHub.Name)]
public sealed class OrleansDashboardTests(SecuredHubFixture fixture)
{
    private readonly HttpClient _http = fixture.Hub.Http;

    [Fact]
    public async Task The_Orleans_dashboard_shows_the_silo_and_its_grain_counts_to_an_admin()
    {
        using var page = await _http.SendAsync(ApiKeys.Basic("/orleans/", ApiKeys.Admin));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

        var counters = await Eventually.MatchAsync(
            () => CountersAsync(_http, ApiKeys.Admin),
            json => json.GetProperty("totalActivationCount").GetInt32() > 0
                && json.GetProperty("simpleGrainStats").EnumerateArray().Any(grain => grain.GetProperty("grainType").GetString()!.StartsWith("AmoHub.Grains.", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30),
            "the dashboard to count AmoHub's grains");
        var silo = Assert.Single(counters.GetProperty("hosts").EnumerateArray());
        Assert.Equal("Active", silo.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_Orleans_dashboard_refuses_callers_without_the_admin_role_and_offers_browsers_a_login()
    {
        using var anonymous = await _http.GetAsync("/orleans/");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains(anonymous.Headers.WwwAuthenticate, challenge => challenge.Scheme == "Basic");
        using var api = await _http.GetAsync("/api/status");
        Assert.DoesNotContain(api.Headers.WwwAuthenticate, challenge => challenge.Scheme == "Basic");

        foreach (var key in new[] { ApiKeys.Read, ApiKeys.Write })
        {
            foreach (var path in new[] { "/orleans/", "/orleans/DashboardCounters", "/orleans/GrainState?grainId=x&grainType=y", "/orleans/Trace" })
            {
                using var refused = await _http.SendAsync(ApiKeys.Basic(path, key), HttpCompletionOption.ResponseHeadersRead);
                Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{path} answered {refused.StatusCode}");
            }
        }
    }

    /// <summary>The dashboard's own summary: silos, activations and grain counts.</summary>
    internal static async Task<JsonElement> CountersAsync(HttpClient http, string key)
    {
        using var response = await http.SendAsync(ApiKeys.Request(HttpMethod.Get, "/orleans/DashboardCounters", key));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}

public sealed class SeparateWebApiOrleansDashboardTests
{
    [Fact]
    public async Task A_separate_WebApi_shows_both_silos_on_the_Orleans_dashboard_to_an_admin_only()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.MySql);
        var keys = ApiKeys.Settings().ToDictionary(pair => pair.Key.Replace(":", "__", StringComparison.Ordinal), pair => pair.Value);
        Dictionary<string, string> With(Dictionary<string, string> settings)
        {
            foreach (var (key, value) in keys)
            {
                settings[key] = value;
            }

            return settings;
        }

        var first = With(SiloSettings.For(database, role: "Silo"));
        first["AmoHub__Accounts__0__Subdomain"] = "acme";
        first["AmoHub__Accounts__0__BaseUrl"] = first["AmoHub__Sandbox__Url"];
        var second = With(SiloSettings.For(database, role: "Silo"));
        second["AmoHub__Accounts__0__Subdomain"] = "acme";
        second["AmoHub__Accounts__0__BaseUrl"] = first["AmoHub__Sandbox__Url"];

        await using var silo1 = AmoHubProcess.StartSilo(first);
        await silo1.WaitUntilReadyAsync();
        await using var silo2 = AmoHubProcess.StartSilo(second);
        await silo2.WaitUntilReadyAsync();
        await using var webApi = AmoHubProcess.StartWebApi(With(SiloSettings.ForWebApi(database)));
        await webApi.WaitUntilReadyAsync();

        var counters = await Eventually.MatchAsync(
            () => OrleansDashboardTests.CountersAsync(webApi.Http, ApiKeys.Admin),
            json => json.GetProperty("hosts").EnumerateArray().Count(host => host.GetProperty("status").GetString() == "Active") == 2
                && json.GetProperty("totalActivationCount").GetInt32() > 0,
            TimeSpan.FromSeconds(60),
            "both silos and their activations on the dashboard");
        Assert.Equal(2, counters.GetProperty("hosts").GetArrayLength());

        using var anonymous = await webApi.Http.GetAsync("/orleans/DashboardCounters");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var writer = await webApi.Http.SendAsync(ApiKeys.Request(HttpMethod.Get, "/orleans/DashboardCounters", ApiKeys.Write));
        Assert.Equal(HttpStatusCode.Forbidden, writer.StatusCode);
        using var siloMetrics = await silo1.Http.SendAsync(ApiKeys.Request(HttpMethod.Get, "/metrics", key: null));
        Assert.Equal(HttpStatusCode.Unauthorized, siloMetrics.StatusCode);

        foreach (var process in new[] { silo1, silo2, webApi })
        {
            foreach (var key in new[] { ApiKeys.Read, ApiKeys.Write, ApiKeys.Admin })
            {
                Assert.DoesNotContain(key, process.Output, StringComparison.Ordinal);
            }
        }
    }
}
