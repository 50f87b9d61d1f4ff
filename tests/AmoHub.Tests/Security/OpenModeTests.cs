using System.Net;
using System.Security.Claims;
using AmoHub.ServiceDefaults.Configuration;
using AmoHub.ServiceDefaults.Security;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AmoHub.Tests.Security;

public sealed class OpenModeTests
{
    [Fact]
    public async Task Without_keys_AmoHub_is_open_on_loopback_and_says_so_once_at_start_up()
    {
        var logs = new CapturedLogs();
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite, logs: logs);

        foreach (var path in new[] { "/api/status", "/api/cluster", "/orleans/DashboardCounters", "/metrics" })
        {
            using var response = await hub.Http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {response.StatusCode}");
        }

        using var created = await hub.Http.SendAsync(ApiKeys.Request(HttpMethod.Post, "/api/contacts", key: null, new { name = "Открытый режим", phone = "+7 903 555-77-01" }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var warning = Assert.Single(logs.Lines, line => line.EventId == 6001);
        Assert.Equal(LogLevel.Warning, warning.Level);
    }

    [Theory]
    [InlineData("127.0.0.1", AccessRole.Admin, true)]
    [InlineData("::1", AccessRole.Admin, true)]
    [InlineData("192.0.2.10", AccessRole.Admin, false)]
    [InlineData("192.0.2.10", AccessRole.Write, true)]
    [InlineData("192.0.2.10", AccessRole.Read, true)]
    public async Task Without_keys_operator_endpoints_answer_loopback_callers_only(string caller, AccessRole needed, bool allowed)
    {
        var settings = new AuthSettings();
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(caller);

        Assert.Equal(allowed, await DecideAsync(settings, needed, http, new ClaimsPrincipal(new ClaimsIdentity())));
    }

    [Fact]
    public async Task With_keys_an_anonymous_read_is_allowed_only_when_configured_and_never_with_a_wrong_key()
    {
        var open = new AuthSettings { AnonymousRead = true, Keys = [new ApiKeySettings { Name = "ops", Hash = ApiKeys.Hash(ApiKeys.Admin), Role = AccessRole.Admin }] };
        var closed = new AuthSettings { AnonymousRead = false, Keys = open.Keys };
        var nobody = new ClaimsPrincipal(new ClaimsIdentity());
        var withoutKey = new DefaultHttpContext();
        var withWrongKey = new DefaultHttpContext();
        withWrongKey.Request.Headers["X-Api-Key"] = "not-a-key";

        Assert.True(await DecideAsync(open, AccessRole.Read, withoutKey, nobody));
        Assert.False(await DecideAsync(open, AccessRole.Write, withoutKey, nobody));
        Assert.False(await DecideAsync(open, AccessRole.Read, withWrongKey, nobody));
        Assert.False(await DecideAsync(closed, AccessRole.Read, withoutKey, nobody));
    }

    [Fact]
    public async Task With_anonymous_reads_the_dashboard_reads_without_a_key_while_writes_and_wrong_keys_are_refused()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite, ApiKeys.Settings(new Dictionary<string, string>
        {
            ["AmoHub:Auth:AnonymousRead"] = "true",
            ["AmoHub:Auth:MetricsAccess"] = "Anonymous",
        }));

        async Task<HttpStatusCode> StatusAsync(HttpMethod method, string path, string? key, object? json = null)
        {
            using var response = await hub.Http.SendAsync(ApiKeys.Request(method, path, key, json), HttpCompletionOption.ResponseHeadersRead);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/api/status", key: null));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/api/stream", key: null));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/metrics", key: null));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(HttpMethod.Post, "/api/contacts", key: null, new { name = "Аноним", phone = "+7 903 555-77-02" }));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(HttpMethod.Get, "/api/cluster", key: null));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(HttpMethod.Get, "/api/status", "a-wrong-key"));
        Assert.Equal(HttpStatusCode.Created, await StatusAsync(HttpMethod.Post, "/api/contacts", ApiKeys.Write, new { name = "С ключом", phone = "+7 903 555-77-03" }));
    }

    [Theory]
    [InlineData("AmoHub:Auth:Keys:0:Hash", "the-key-itself-not-its-hash", "AmoHub:Auth:Keys:0:Hash")]
    [InlineData("AmoHub:Auth:Keys:0:Name", "", "AmoHub:Auth:Keys:0:Name")]
    [InlineData("AmoHub:Cors:Origins:0", "https://ops.example.com/path", "AmoHub:Cors:Origins:0")]
    [InlineData("AmoHub:Limits:Window", "00:00:00", "AmoHub:Limits:Window")]
    public void A_bad_security_setting_stops_start_up_naming_its_key_but_not_its_value(string key, string value, string named)
    {
        var values = new Dictionary<string, string?>
        {
            ["AmoHub:Auth:Keys:0:Name"] = "ops",
            ["AmoHub:Auth:Keys:0:Hash"] = ApiKeys.Hash(ApiKeys.Admin),
            ["AmoHub:Auth:Keys:0:Role"] = "Admin",
            [key] = value,
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();

        var failure = Assert.Throws<OptionsValidationException>(() =>
        {
            ValidatedSettings.Get<AuthSettings>(configuration, AuthSettings.Section);
            ValidatedSettings.Get<CorsSettings>(configuration, CorsSettings.Section);
            ValidatedSettings.Get<LimitSettings>(configuration, LimitSettings.Section);
        });

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
        if (value.Length > 0)
        {
            Assert.DoesNotContain(value, failure.Message, StringComparison.Ordinal);
        }
    }

    private static async Task<bool> DecideAsync(AuthSettings settings, AccessRole needed, HttpContext http, ClaimsPrincipal user)
    {
        var requirement = new AccessRequirement(needed);
        var context = new AuthorizationHandlerContext([requirement], user, http);
        await new AccessRequirementHandler(new ApiKeyRing(settings), settings).HandleAsync(context);
        return context.HasSucceeded;
    }
}
