using System.Net;
using System.Net.Http.Json;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Crm;

public sealed class TokenRefreshTests
{
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_token_expiring_mid_run_is_refreshed_once_and_no_request_fails(StorageProvider engine)
    {
        await using var amoCrm = await StandaloneSandbox.StartAsync();
        var redirect = new Uri("https://amohub.example/oauth/callback");
        var code = amoCrm.Sandbox.CreateAuthorizationCode("acme", "amohub-client", "client-secret", redirect);
        await using var hub = await InProcessAmoHub.StartAsync(engine, new Dictionary<string, string>
        {
            ["AmoHub:Sandbox:Enabled"] = "false",
            ["AmoHub:Accounts:0:Subdomain"] = "acme",
            ["AmoHub:Accounts:0:BaseUrl"] = new Uri(amoCrm.Url, "acme/").AbsoluteUri,
            ["AmoHub:Accounts:0:ClientId"] = "amohub-client",
            ["AmoHub:Accounts:0:ClientSecret"] = "client-secret",
            ["AmoHub:Accounts:0:RedirectUri"] = redirect.AbsoluteUri,
            ["AmoHub:Accounts:0:AuthorizationCode"] = code,
        });

        var before = await CreateContactsAsync(hub, 0, 20);
        amoCrm.Sandbox.ExpireAccessTokens("acme");
        var after = await CreateContactsAsync(hub, 20, 20);

        Assert.All(before.Concat(after), status => Assert.Equal(HttpStatusCode.Created, status));
        var stats = amoCrm.Sandbox.GetStats("acme");
        Assert.Equal(1, stats.Refreshes);
        Assert.Equal(0, stats.RevokedRefreshes);
        Assert.Equal(40, amoCrm.Sandbox.GetContacts("acme").Count);
    }

    private static Task<HttpStatusCode[]> CreateContactsAsync(InProcessAmoHub hub, int first, int count) =>
        Task.WhenAll(Enumerable.Range(first, count).Select(async i =>
        {
            using var response = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = $"Клиент {i}", phone = $"+7 905 100-{i:00}-{i:00}" });
            return response.StatusCode;
        }));
}
