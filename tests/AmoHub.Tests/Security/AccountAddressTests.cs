using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using AmoHub.Tests.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AmoHub.Tests.Security;

public sealed class AccountAddressTests
{
    private const string Marker = "ECHO-4f1d9a";

    [Fact]
    public async Task Moving_an_account_to_another_host_takes_an_admin_key_and_fresh_credentials_and_never_echoes_the_host()
    {
        await using var amoCrm = await StandaloneSandbox.StartAsync();
        await using var attacker = await RecordingHost.StartAsync(Marker);
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite,
            ApiKeys.Settings(new Dictionary<string, string> { ["AmoHub:AmoCrm:AllowedHosts:0"] = "127.0.0.1" }));
        using (var added = await hub.Http.SendAsync(ApiKeys.Request(HttpMethod.Post, "/api/accounts", ApiKeys.Write,
                   new { subdomain = "acme", baseUrl = new Uri(amoCrm.Url, "acme/").AbsoluteUri, accessToken = amoCrm.AccessToken })))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        using var byWriteKey = await hub.Http.SendAsync(ApiKeys.Request(HttpMethod.Patch, "/api/accounts/acme", ApiKeys.Write,
            new { baseUrl = attacker.Url.AbsoluteUri, accessToken = "a-token-of-the-writer" }));
        using var withoutCredentials = await hub.Http.SendAsync(ApiKeys.Request(HttpMethod.Patch, "/api/accounts/acme", ApiKeys.Admin,
            new { baseUrl = attacker.Url.AbsoluteUri }));
        using var notAllowed = await hub.Http.SendAsync(ApiKeys.Request(HttpMethod.Patch, "/api/accounts/acme", ApiKeys.Admin,
            new { baseUrl = "https://acme.example.com/", accessToken = "a-token-of-the-admin" }));
        using var contactBefore = await hub.Http.SendAsync(ApiKeys.Request(HttpMethod.Post, "/api/contacts?account=acme", ApiKeys.Write,
            new { name = "Иван", phone = "+7 903 111-22-33" }));

        await IncidentTests.AssertProblemAsync(byWriteKey, HttpStatusCode.Forbidden, null);
        await IncidentTests.AssertProblemAsync(withoutCredentials, HttpStatusCode.BadRequest, "accessToken");
        await IncidentTests.AssertProblemAsync(notAllowed, HttpStatusCode.BadRequest, "baseUrl");
        Assert.Equal(HttpStatusCode.Created, contactBefore.StatusCode);
        Assert.Empty(attacker.Requests);
        using (var read = await hub.Http.SendAsync(ApiKeys.Request(HttpMethod.Get, "/api/accounts/acme", ApiKeys.Read)))
        {
            Assert.Equal(new Uri(amoCrm.Url, "acme/").AbsoluteUri, (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("baseUrl").GetString());
        }

        // An admin who moves it with new credentials is believed; what that host answers never reaches a caller.
        using var byAdmin = await hub.Http.SendAsync(ApiKeys.Request(HttpMethod.Patch, "/api/accounts/acme", ApiKeys.Admin,
            new { baseUrl = attacker.Url.AbsoluteUri, accessToken = "a-token-of-the-admin" }));
        using var contactAfter = await hub.Http.SendAsync(ApiKeys.Request(HttpMethod.Post, "/api/contacts?account=acme", ApiKeys.Write,
            new { name = "Пётр", phone = "+7 903 111-22-44" }));

        Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, contactAfter.StatusCode);
        Assert.DoesNotContain(Marker, await contactAfter.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotEmpty(attacker.Requests);
        Assert.All(attacker.Requests, request => Assert.DoesNotContain(amoCrm.AccessToken, request, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_OAuth_account_moved_with_the_same_credentials_never_sends_the_tokens_its_old_host_issued_and_sends_its_redirect_uri_as_given()
    {
        await using var amoCrm = await StandaloneSandbox.StartAsync();
        await using var other = await RecordingHost.StartAsync(Marker);
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite,
            ApiKeys.Settings(new Dictionary<string, string> { ["AmoHub:AmoCrm:AllowedHosts:0"] = "127.0.0.1" }));
        // As configured in amoCRM, host case and all: amoCRM compares it character by character.
        const string redirectUri = "https://AmoHub.example/oauth/callback";
        var redirect = new Uri(redirectUri);
        var credentials = new
        {
            clientId = "amohub-client",
            clientSecret = "client-secret",
            redirectUri,
            authorizationCode = amoCrm.Sandbox.CreateAuthorizationCode("acme", "amohub-client", "client-secret", redirect),
        };
        using (var added = await hub.Http.SendAsync(ApiKeys.Request(HttpMethod.Post, "/api/accounts", ApiKeys.Write,
                   new { subdomain = "acme", baseUrl = new Uri(amoCrm.Url, "acme/").AbsoluteUri, credentials.clientId, credentials.clientSecret, credentials.redirectUri, credentials.authorizationCode })))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        using (var contact = await hub.Http.SendAsync(ApiKeys.Request(HttpMethod.Post, "/api/contacts?account=acme", ApiKeys.Write,
                   new { name = "Иван", phone = "+7 903 111-22-33" })))
        {
            Assert.Equal(HttpStatusCode.Created, contact.StatusCode);
        }

        // The same client and the same (spent) code: the tokens amoCRM issued for the code stay behind.
        using var moved = await hub.Http.SendAsync(ApiKeys.Request(HttpMethod.Patch, "/api/accounts/acme", ApiKeys.Admin,
            new { baseUrl = other.Url.AbsoluteUri, credentials.clientId, credentials.clientSecret, credentials.redirectUri, credentials.authorizationCode }));
        using var contactAfter = await hub.Http.SendAsync(ApiKeys.Request(HttpMethod.Post, "/api/contacts?account=acme", ApiKeys.Write,
            new { name = "Пётр", phone = "+7 903 111-22-44" }));

        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.NotEqual(HttpStatusCode.Created, contactAfter.StatusCode);
        Assert.NotEmpty(other.Requests);
        Assert.All(other.Requests, request => Assert.DoesNotContain("Bearer", request, StringComparison.Ordinal));
        var exchange = other.Requests.First(request => request.Contains("oauth2/access_token", StringComparison.Ordinal));
        Assert.Contains(credentials.authorizationCode, exchange, StringComparison.Ordinal);
        Assert.Contains($"\"redirect_uri\":\"{redirectUri}\"", exchange, StringComparison.Ordinal);
        Assert.Contains("length=", exchange, StringComparison.Ordinal);
        Assert.DoesNotContain("length= ", exchange, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_allowed_hosts_only_amoCRM_and_Kommo_addresses_over_https_are_accepted()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);

        using var loopback = await hub.Http.PostAsJsonAsync("/api/accounts", new { subdomain = "acme", baseUrl = "http://127.0.0.1:9/", accessToken = "t0ken-value" });
        using var plainHttp = await hub.Http.PostAsJsonAsync("/api/accounts", new { subdomain = "acme", baseUrl = "http://acme.amocrm.ru/", accessToken = "t0ken-value" });
        using var lookalike = await hub.Http.PostAsJsonAsync("/api/accounts", new { subdomain = "acme", baseUrl = "https://acme.amocrm.ru.example.com/", accessToken = "t0ken-value" });
        using var huge = await hub.Http.PostAsJsonAsync("/api/accounts", new { subdomain = "acme", baseUrl = "https://acme.amocrm.ru/" + new string('a', 65_600), accessToken = "t0ken-value" });
        using var kommo = await hub.Http.PostAsJsonAsync("/api/accounts", new { subdomain = "acme", baseUrl = "https://acme.kommo.com/", accessToken = "t0ken-value" });

        await IncidentTests.AssertProblemAsync(loopback, HttpStatusCode.BadRequest, "baseUrl");
        await IncidentTests.AssertProblemAsync(plainHttp, HttpStatusCode.BadRequest, "baseUrl");
        await IncidentTests.AssertProblemAsync(lookalike, HttpStatusCode.BadRequest, "baseUrl");
        await IncidentTests.AssertProblemAsync(huge, HttpStatusCode.BadRequest, "baseUrl");
        Assert.Equal(HttpStatusCode.Created, kommo.StatusCode);
    }

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("127.0.0.1", false)]
    public async Task Forwarded_addresses_count_only_from_a_known_proxy(string knownProxy, bool limited)
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite, new Dictionary<string, string>
        {
            ["FORWARDEDHEADERS_ENABLED"] = "true",
            ["AmoHub:Network:KnownProxies:0"] = knownProxy,
            ["AmoHub:Limits:RequestsPerWindow"] = "5",
            ["AmoHub:Limits:Window"] = "00:10:00",
        });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/status");
            request.Headers.Add("X-Forwarded-For", $"203.0.113.{i + 1}");
            using var response = await hub.Http.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(limited, statuses.Contains(HttpStatusCode.TooManyRequests));
    }

    /// <summary>A host that is not amoCRM: records what reaches it and answers 400 with a marker in the body.</summary>
    private sealed class RecordingHost : IAsyncDisposable
    {
        private readonly ConcurrentQueue<string> _requests = new();
        private WebApplication? _app;

        public IReadOnlyCollection<string> Requests => _requests;

        public Uri Url => new(_app!.Urls.First() + "/");

        public static async Task<RecordingHost> StartAsync(string marker)
        {
            var host = new RecordingHost();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            app.Run(async context =>
            {
                using var reader = new StreamReader(context.Request.Body);
                host._requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString} {context.Request.Headers.Authorization} length={context.Request.ContentLength} {await reader.ReadToEndAsync()}");
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                context.Response.ContentType = "application/problem+json";
                await context.Response.WriteAsync($$"""{"title":"{{marker}} title","detail":"{{marker}} {{context.Request.Headers.Authorization}}","status":400,"validation-errors":[{"errors":[{"code":"{{marker}}","path":"name"}]}]}""");
            });
            await app.StartAsync();
            host._app = app;
            return host;
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }
        }
    }
}
