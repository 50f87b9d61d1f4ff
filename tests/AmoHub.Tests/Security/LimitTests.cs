using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Security;

public sealed class LimitTests
{
    [Fact]
    public async Task Past_its_limit_a_key_gets_429_problems_with_Retry_After_while_other_keys_health_and_webhooks_go_on()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite, ApiKeys.Settings(new Dictionary<string, string>
        {
            ["AmoHub:Limits:RequestsPerWindow"] = "3",
            ["AmoHub:Limits:WebhookRequestsPerWindow"] = "2",
            ["AmoHub:Limits:Window"] = "00:10:00",
        }));

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await hub.Http.SendAsync(ApiKeys.Request(HttpMethod.Get, "/api/status", ApiKeys.Read));
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var limited = await hub.Http.SendAsync(ApiKeys.Request(HttpMethod.Get, "/api/status", ApiKeys.Read));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        Assert.Equal(429, (await limited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());

        // Another key counts on its own; health probes and amoCRM's deliveries are not held back by the API's limit.
        using var otherKey = await hub.Http.SendAsync(ApiKeys.Request(HttpMethod.Get, "/api/status", ApiKeys.Admin));
        Assert.Equal(HttpStatusCode.OK, otherKey.StatusCode);
        using var health = await hub.Http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var webhookAnswers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var delivery = await hub.Http.PostAsync("/webhooks/amocrm/no-such-destination", new StringContent("a=1", Encoding.UTF8, "application/x-www-form-urlencoded"));
            webhookAnswers.Add(delivery.StatusCode);
        }

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests], webhookAnswers);
    }

    [Fact]
    public async Task Requests_without_a_key_count_against_their_address_so_guessing_keys_is_limited_too()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite, ApiKeys.Settings(new Dictionary<string, string>
        {
            ["AmoHub:Limits:RequestsPerWindow"] = "2",
            ["AmoHub:Limits:Window"] = "00:10:00",
        }));

        var answers = new List<HttpStatusCode>();
        foreach (var guess in new[] { "guess-1", "guess-2", "guess-3" })
        {
            using var response = await hub.Http.SendAsync(ApiKeys.Request(HttpMethod.Get, "/api/status", guess));
            answers.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], answers);
    }

    [Fact]
    public async Task An_oversized_body_is_a_413_problem_while_webhook_deliveries_may_be_larger()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite, new Dictionary<string, string>
        {
            ["AmoHub:Limits:MaxBodySize"] = "4096",
            ["AmoHub:Limits:WebhookMaxBodySize"] = "65536",
        });

        using var tooLarge = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = new string('я', 5_000), phone = "+7 903 555-01-01" });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);

        using var subscribed = await hub.Http.PostAsync("/api/amocrm/webhooks", null);
        Assert.Equal(HttpStatusCode.OK, subscribed.StatusCode);
        var destination = new Uri(Assert.Single(hub.Sandbox.Sandbox.GetWebhooks("sandbox")).Destination);
        var delivery = "account[subdomain]=sandbox&contacts[add][0][id]=4242&contacts[add][0][name]=" + new string('x', 20_000);
        using var large = await hub.Http.PostAsync(destination, new StringContent(delivery, Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.OK, large.StatusCode);

        var huge = delivery + new string('x', 70_000);
        using var tooHuge = await hub.Http.PostAsync(destination, new StringContent(huge, Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooHuge.StatusCode);
        Assert.Equal("application/problem+json", tooHuge.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task CORS_answers_only_the_configured_origins()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite, ApiKeys.Settings(new Dictionary<string, string>
        {
            ["AmoHub:Cors:Origins:0"] = "https://ops.example.com",
        }));

        using var allowed = await hub.Http.SendAsync(Preflight("https://ops.example.com"));
        Assert.True(allowed.IsSuccessStatusCode, $"preflight answered {allowed.StatusCode}");
        Assert.Equal("https://ops.example.com", Assert.Single(allowed.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("x-api-key", string.Join(',', allowed.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);

        using var other = await hub.Http.SendAsync(Preflight("https://evil.example.net"));
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));

        using var read = ApiKeys.Request(HttpMethod.Get, "/api/status", ApiKeys.Read);
        read.Headers.Add("Origin", "https://ops.example.com");
        using var answer = await hub.Http.SendAsync(read);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("https://ops.example.com", Assert.Single(answer.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    [Fact]
    public async Task Without_configured_origins_CORS_is_off()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);

        using var preflight = await hub.Http.SendAsync(Preflight("https://ops.example.com"));
        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/status");
        read.Headers.Add("Origin", "https://ops.example.com");
        using var answer = await hub.Http.SendAsync(read);

        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/status");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "x-api-key");
        return request;
    }
}
