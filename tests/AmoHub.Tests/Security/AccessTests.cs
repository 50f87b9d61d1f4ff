using System.Net;
using System.Text.Json;

namespace AmoHub.Tests.Security;

[Collection(SecuredHub.Name)]
public sealed class AccessTests(SecuredHubFixture fixture)
{
    private readonly HttpClient _http = fixture.Hub.Http;

    private async Task<HttpStatusCode> StatusAsync(HttpMethod method, string path, string? key, object? json = null)
    {
        using var request = ApiKeys.Request(method, path, key, json);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }

    private static object NewContact() =>
        new { name = "Проверка доступа", phone = $"+7 915 {Random.Shared.Next(100, 999)}-{Random.Shared.Next(10, 99)}-{Random.Shared.Next(10, 99)}" };

    [Fact]
    public async Task Without_a_key_reads_writes_and_operator_endpoints_answer_401_problem_json()
    {
        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, "/api/status"), (HttpMethod.Get, "/api/stream"), (HttpMethod.Post, "/api/contacts"),
            (HttpMethod.Get, "/api/cluster"), (HttpMethod.Get, "/orleans/DashboardCounters"), (HttpMethod.Get, "/metrics"),
            (HttpMethod.Get, "/openapi/v1.json"), (HttpMethod.Get, "/docs/"),
        })
        {
            using var request = ApiKeys.Request(method, path, key: null, json: method == HttpMethod.Post ? NewContact() : null);
            using var response = await _http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(response.Headers.WwwAuthenticate, challenge => challenge.Scheme == "Bearer");
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(401, problem.GetProperty("status").GetInt32());
        }
    }

    [Fact]
    public async Task A_read_key_reads_and_streams_but_cannot_write_or_operate()
    {
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/api/status", ApiKeys.Read));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/api/incidents", ApiKeys.Read));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/api/stream", ApiKeys.Read));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/api/accounts", ApiKeys.Read));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/metrics", ApiKeys.Read));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/openapi/v1.json", ApiKeys.Read));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/docs/", ApiKeys.Read));

        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Post, "/api/contacts", ApiKeys.Read, NewContact()));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Post, "/api/leads", ApiKeys.Read, new { name = "Сделка" }));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Post, "/api/amocrm/webhooks", ApiKeys.Read, new { }));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Delete, "/api/accounts/sandbox", ApiKeys.Read));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Post, "/api/incidents/1/acknowledge", ApiKeys.Read, new { }));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Put, "/api/accounts/sandbox/notifications", ApiKeys.Read, new { }));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Get, "/api/cluster", ApiKeys.Read));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Get, "/orleans/DashboardCounters", ApiKeys.Read));
    }

    [Fact]
    public async Task A_refusal_of_a_key_is_a_403_problem_naming_its_role()
    {
        using var request = ApiKeys.Request(HttpMethod.Get, "/api/cluster", ApiKeys.Write);
        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("(write)", body, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKeys.Write, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_write_key_writes_CRM_data_but_cannot_operate()
    {
        Assert.Equal(HttpStatusCode.Created, await StatusAsync(HttpMethod.Post, "/api/contacts", ApiKeys.Write, NewContact()));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/api/status", ApiKeys.Write));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(HttpMethod.Post, "/api/incidents/987654/notes", ApiKeys.Write, new { text = "смотрим" }));

        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Get, "/api/cluster", ApiKeys.Write));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Get, "/orleans/", ApiKeys.Write));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Get, "/orleans/DashboardCounters", ApiKeys.Write));
    }

    [Fact]
    public async Task An_admin_key_reads_writes_and_operates()
    {
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/api/status", ApiKeys.Admin));
        Assert.Equal(HttpStatusCode.Created, await StatusAsync(HttpMethod.Post, "/api/contacts", ApiKeys.Admin, NewContact()));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/api/cluster", ApiKeys.Admin));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/orleans/DashboardCounters", ApiKeys.Admin));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/openapi/v1.json", ApiKeys.Admin));
    }

    [Fact]
    public async Task A_key_is_taken_from_a_bearer_token_X_Api_Key_or_a_basic_password()
    {
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/api/cluster");
        bearer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKeys.Admin);
        using var bearerResponse = await _http.SendAsync(bearer);
        Assert.Equal(HttpStatusCode.OK, bearerResponse.StatusCode);

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/api/cluster", ApiKeys.Admin));

        using var basic = ApiKeys.Basic("/api/cluster", ApiKeys.Admin);
        using var basicResponse = await _http.SendAsync(basic);
        Assert.Equal(HttpStatusCode.OK, basicResponse.StatusCode);
    }

    [Fact]
    public async Task A_wrong_key_answers_401_and_never_echoes_the_key()
    {
        const string wrong = "wrong_key_4e1a9c7b5d3f";
        using var request = ApiKeys.Request(HttpMethod.Get, "/api/status", wrong);
        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("not valid", body, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, body, StringComparison.Ordinal);
        Assert.DoesNotContain(response.Headers, header => header.Value.Any(value => value.Contains(wrong, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_webhook_receiver_and_health_endpoints_need_no_key()
    {
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(HttpMethod.Post, "/webhooks/amocrm/not-a-destination", key: null));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/health/live", key: null));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/health/ready", key: null));
    }

    [Fact]
    public async Task Keys_never_reach_the_logs()
    {
        const string wrong = "wrong_key_77c0ffee";
        foreach (var key in new[] { ApiKeys.Read, ApiKeys.Write, ApiKeys.Admin, wrong })
        {
            await StatusAsync(HttpMethod.Get, "/api/cluster", key);
            await StatusAsync(HttpMethod.Post, "/api/contacts", key, NewContact());
            using var basic = ApiKeys.Basic("/orleans/", key);
            using var _ = await _http.SendAsync(basic);
        }

        // The refusals were logged (authentication's own debug lines), so the logs were captured and looked at.
        var logs = fixture.Logs.AllText;
        Assert.Contains(fixture.Logs.Lines, line => line.Category.StartsWith("AmoHub.ServiceDefaults.Security", StringComparison.Ordinal)
            && line.Message.Contains("was not authenticated", StringComparison.Ordinal));
        Assert.Contains(fixture.Logs.Lines, line => line.Message.Contains("was forbidden", StringComparison.Ordinal));
        foreach (var key in new[] { ApiKeys.Read, ApiKeys.Write, ApiKeys.Admin, wrong })
        {
            Assert.DoesNotContain(key, logs, StringComparison.Ordinal);
        }
    }
}
