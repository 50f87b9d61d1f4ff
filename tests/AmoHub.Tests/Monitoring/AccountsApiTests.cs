using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Grains.Interfaces.Accounts;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

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

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task An_add_cut_short_before_its_probes_started_gets_them_at_the_next_start_and_a_retry_completes_it(StorageProvider engine)
    {
        await using var amoCrm = await StandaloneSandbox.StartAsync();
        using var database = await TestDatabase.CreateAsync(engine);
        var add = new { subdomain = "acme", baseUrl = new Uri(amoCrm.Url, "acme/").AbsoluteUri, accessToken = amoCrm.AccessToken };

        // Probes off: the add stores the account and its credentials and starts nothing, as a silo killed right after
        // the registry's write would leave it.
        await using (var cutShort = await InProcessAmoHub.StartOnAsync(database, MonitoringHost.FastProbes(new Dictionary<string, string> { ["AmoHub:Probes:Enabled"] = "false" })))
        {
            using var created = await cutShort.Http.PostAsJsonAsync("/api/accounts", add);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        Assert.Equal(0, await database.ScalarAsync("SELECT COUNT(*) FROM OrleansReminder WHERE GrainId LIKE '%acme/probe%'"));

        await using var hub = await MonitoringHost.StartOnAsync(database);
        var checks = await Eventually.MatchAsync(
            () => MonitoringHost.ChecksAsync(hub, "acme"),
            found => found.Count == 5 && found.All(check => check.GetProperty("lastCheck").ValueKind != JsonValueKind.Null),
            TimeSpan.FromSeconds(60), "every probe of the stored account to report after the start");
        using var retried = await hub.Http.PostAsJsonAsync("/api/accounts", add);
        using var conflicting = await hub.Http.PostAsJsonAsync("/api/accounts", new { add.subdomain, add.baseUrl, add.accessToken, testLeadId = 42 });

        Assert.Equal(MonitoringHost.AllChecks.Order(), checks.Select(check => check.GetProperty("checkType").GetString()).Order());
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        await IncidentTests.AssertProblemAsync(conflicting, HttpStatusCode.Conflict, null);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Accounts_kept_in_the_registry_state_of_earlier_versions_still_load(StorageProvider engine)
    {
        using var database = await TestDatabase.CreateAsync(engine);
        var legacy = new AmoHub.Grains.Accounts.AccountRegistryState
        {
            Accounts = { ["legacy"] = new AccountDefinition("legacy", new Uri("https://legacy.amocrm.ru/"), IsSandbox: false, TestLeadId: 7) },
            WebhookSecrets = { ["hash-of-a-secret"] = "legacy" },
        };
        await using (var earlier = await InProcessAmoHub.StartOnAsync(database))
        {
            // Written through the silo's own grain storage, as the registry of earlier versions wrote its state.
            var storage = earlier.Services.GetRequiredKeyedService<IGrainStorage>("amohub");
            var id = GrainId.Create("accountregistry", IAccountRegistryGrain.Key);
            var stored = new GrainState<AmoHub.Grains.Accounts.AccountRegistryState>();
            await storage.ReadStateAsync("accounts", id, stored);
            stored.State = legacy;
            await storage.WriteStateAsync("accounts", id, stored);
        }

        await using var hub = await InProcessAmoHub.StartOnAsync(database);
        var listed = await hub.Http.GetFromJsonAsync<JsonElement>("/api/accounts");
        var account = await hub.Http.GetFromJsonAsync<JsonElement>("/api/accounts/legacy");

        Assert.Contains("legacy", listed.EnumerateArray().Select(a => a.GetProperty("subdomain").GetString()));
        Assert.Equal(7, account.GetProperty("testLeadId").GetInt64());
        Assert.Equal(1, await database.ScalarAsync("SELECT COUNT(*) FROM accounts WHERE subdomain = 'legacy'"));
        Assert.Equal(1, await database.ScalarAsync("SELECT COUNT(*) FROM webhook_secrets WHERE secret_hash = 'hash-of-a-secret' AND account = 'legacy'"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task An_account_grain_state_written_before_the_gateway_was_split_still_loads(StorageProvider engine)
    {
        await using var amoCrm = await StandaloneSandbox.StartAsync();
        using var database = await TestDatabase.CreateAsync(engine);
        var definition = new AccountDefinition("acme", new Uri(amoCrm.Url, "acme/"), IsSandbox: false);
        var cursor = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeSeconds();
        await using (var earlier = await InProcessAmoHub.StartOnAsync(database))
        {
            // The state an earlier AmoHub kept for the account, its token still in plaintext, written through the silo's
            // own grain storage under the account grain's type and key.
            var storage = earlier.Services.GetRequiredKeyedService<IGrainStorage>("amohub");
            var id = GrainId.Create("account", GrainKeys.Account("acme"));
            var stored = new GrainState<AmoHub.Grains.AmoCrm.AccountState>();
            await storage.ReadStateAsync("account", id, stored);
            stored.State = new AmoHub.Grains.AmoCrm.AccountState
            {
                Definition = definition,
                Credentials = new AccountCredentials(amoCrm.AccessToken, null, null, null, null, null),
                AccessToken = amoCrm.AccessToken,
                ContactsSynced = true,
                ContactsCursor = cursor,
            };
            await storage.WriteStateAsync("account", id, stored);
        }

        await database.ExecuteAsync($"INSERT INTO accounts (subdomain, base_url, is_sandbox, from_configuration) VALUES ('acme', '{definition.BaseUrl.AbsoluteUri}', 0, 0)");
        await using var hub = await InProcessAmoHub.StartOnAsync(database);
        var status = await hub.Http.GetFromJsonAsync<JsonElement>("/api/amocrm/status?account=acme");
        using var created = await hub.Http.PostAsJsonAsync("/api/contacts?account=acme", new { name = "Иван", phone = "+7 903 555-00-01" });

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(cursor), status.GetProperty("sync").GetProperty("contactsSyncedTo").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Single(amoCrm.Sandbox.GetContacts("acme"));
        Assert.All((await GrainStateRows.ReadAsync(database)).Values, payload => Assert.DoesNotContain(amoCrm.AccessToken, payload, StringComparison.Ordinal));
    }
}
