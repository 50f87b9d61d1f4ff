using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Monitoring;

public sealed class AccountsApiTests
{
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task An_added_account_is_probed_next_to_the_others_and_a_removed_one_stops_being_probed(StorageProvider engine)
    {
        await using var amoCrm = await StandaloneSandbox.StartAsync();
        await using var hub = await MonitoringHost.StartAsync(engine);
        await MonitoringHost.WaitForAllAsync(hub, "up");

        using var created = await hub.Http.PostAsJsonAsync("/api/accounts", new
        {
            subdomain = "acme",
            baseUrl = new Uri(amoCrm.Url, "acme/").AbsoluteUri,
            accessToken = amoCrm.AccessToken,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var acme = await Eventually.MatchAsync(
            () => MonitoringHost.ChecksAsync(hub, "acme"),
            checks => checks.Status("GET") == "up" && checks.Status("HOOK") == "up" && checks.Status("WEB") == "up",
            TimeSpan.FromSeconds(30), "acme's probes to report");
        Assert.Equal(5, acme.Count);
        Assert.All(await MonitoringHost.ChecksAsync(hub), check => Assert.Equal("up", check.GetProperty("status").GetString()));

        var listed = await hub.Http.GetFromJsonAsync<JsonElement>("/api/accounts");
        Assert.Equal(["acme", "sandbox"], listed.EnumerateArray().Select(a => a.GetProperty("subdomain").GetString()!).ToArray());
        Assert.DoesNotContain(amoCrm.AccessToken, listed.GetRawText(), StringComparison.Ordinal);
        var stored = await GrainStateRows.ReadAsync(hub.Database);
        Assert.Contains(stored.Keys, key => key.Contains("account:acme", StringComparison.Ordinal));
        Assert.All(stored.Values, payload => Assert.DoesNotContain(amoCrm.AccessToken, payload, StringComparison.Ordinal));

        using var removed = await hub.Http.DeleteAsync("/api/accounts/acme");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var before = await hub.Database.ScalarAsync("SELECT COUNT(*) FROM health_checks WHERE account = 'acme'");
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal(before, await hub.Database.ScalarAsync("SELECT COUNT(*) FROM health_checks WHERE account = 'acme'"));
        Assert.True(await hub.Database.ScalarAsync("SELECT COUNT(*) FROM health_checks WHERE account = 'sandbox'") > 0);
        using var gone = await hub.Http.GetAsync("/api/status?account=acme");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Bad_account_requests_name_the_field_store_nothing_and_configured_accounts_cannot_be_removed()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);

        using var badUrl = await hub.Http.PostAsJsonAsync("/api/accounts", new { subdomain = "acme", baseUrl = "ftp://acme", accessToken = "t0ken-value" });
        using var badName = await hub.Http.PostAsJsonAsync("/api/accounts", new { subdomain = "acme.amocrm.ru/x", accessToken = "t0ken-value" });
        using var noCredentials = await hub.Http.PostAsJsonAsync("/api/accounts", new { subdomain = "acme" });
        using var halfOAuth = await hub.Http.PostAsJsonAsync("/api/accounts", new { subdomain = "acme", clientId = "id", clientSecret = "very-secret-value" });
        using var sandbox = await hub.Http.DeleteAsync("/api/accounts/sandbox");
        using var unknown = await hub.Http.DeleteAsync("/api/accounts/nobody");

        await IncidentTests.AssertProblemAsync(badUrl, HttpStatusCode.BadRequest, "baseUrl");
        await IncidentTests.AssertProblemAsync(badName, HttpStatusCode.BadRequest, "subdomain");
        await IncidentTests.AssertProblemAsync(noCredentials, HttpStatusCode.BadRequest, "accessToken");
        await IncidentTests.AssertProblemAsync(halfOAuth, HttpStatusCode.BadRequest, "redirectUri");
        Assert.DoesNotContain("very-secret-value", await halfOAuth.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await IncidentTests.AssertProblemAsync(sandbox, HttpStatusCode.Conflict, null);
        await IncidentTests.AssertProblemAsync(unknown, HttpStatusCode.NotFound, null);
        var listed = await hub.Http.GetFromJsonAsync<JsonElement>("/api/accounts");
        Assert.Equal(["sandbox"], listed.EnumerateArray().Select(a => a.GetProperty("subdomain").GetString()!).ToArray());
    }
}
