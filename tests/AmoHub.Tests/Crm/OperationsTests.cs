using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Grains.Crm.Operations;
using AmoHub.Sandbox.Faults;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using AmoHub.Tests.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace AmoHub.Tests.Crm;

/// <summary>
/// Create requests that must not be lost: an <c>Idempotency-Key</c> replays the first answer, and while amoCRM cannot
/// answer a request is stored, answered 202 and completed later, in order and without duplicates.
/// </summary>
public sealed class OperationsTests
{
    private const string Account = "sandbox";

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_replayed_idempotency_key_answers_the_identical_body_across_a_restart_and_another_body_with_it_is_409(StorageProvider engine)
    {
        using var database = await TestDatabase.CreateAsync(engine);
        string first;
        await using (var hub = await InProcessAmoHub.StartOnAsync(database))
        {
            using var created = await PostAsync(hub, "/api/contacts", new { name = "Анна", phone = "+7 903 800-00-01" }, key: "form-1");
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            first = await created.Content.ReadAsStringAsync();

            using var again = await PostAsync(hub, "/api/contacts", new { name = "Анна", phone = "+7 903 800-00-01" }, key: "form-1");
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);
            Assert.Equal(first, await again.Content.ReadAsStringAsync());

            // The same phone without the key is the same contact, found: 200.
            using var unkeyed = await PostAsync(hub, "/api/contacts", new { name = "Анна", phone = "+7 903 800-00-01" });
            Assert.Equal(HttpStatusCode.OK, unkeyed.StatusCode);
        }

        await using (var hub = await InProcessAmoHub.StartOnAsync(database))
        {
            using var replayed = await PostAsync(hub, "/api/contacts", new { name = "Анна", phone = "+7 903 800-00-01" }, key: "form-1");
            Assert.Equal(HttpStatusCode.Created, replayed.StatusCode);
            Assert.Equal(first, await replayed.Content.ReadAsStringAsync());

            using var reused = await PostAsync(hub, "/api/contacts", new { name = "Борис", phone = "+7 903 800-00-02" }, key: "form-1");
            Assert.Equal(HttpStatusCode.Conflict, reused.StatusCode);
            Assert.Equal("application/problem+json", reused.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Idempotency-Key", (await reused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());

            // Keys are case-sensitive: another key is another request. (This run's sandbox starts empty.)
            using var other = await PostAsync(hub, "/api/contacts", new { name = "Борис", phone = "+7 903 800-00-02" }, key: "FORM-1");
            Assert.Equal(HttpStatusCode.Created, other.StatusCode);
            Assert.Equal("Борис", Assert.Single(hub.Sandbox.Sandbox.GetContacts(Account)).Name);
        }
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task While_amoCRM_answers_503_creates_are_accepted_and_completed_in_order_without_duplicates_once_it_is_back(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine, new Dictionary<string, string> { ["AmoHub:AmoCrm:MaxWait"] = "00:00:02" });
        var amoCrm = hub.Sandbox.Sandbox;
        amoCrm.SetFault(Account, new SandboxFault(FailureRate: 1, FailureStatus: 503));

        var answers = new List<HttpResponseMessage>();
        try
        {
            // Two requests for one phone, a lead for it, a repeat with its key: nothing may come back 5xx.
            answers.Add(await PostAsync(hub, "/api/contacts", new { name = "Вера", phone = "+7 903 810-00-01" }));
            answers.Add(await PostAsync(hub, "/api/contacts", new { name = "Вера П.", phone = "8 (903) 810-00-01" }));
            answers.Add(await PostAsync(hub, "/api/leads", new { name = "Заявка с сайта 1", contactPhone = "+79038100001" }, key: "lead-1"));
            answers.Add(await PostAsync(hub, "/api/leads", new { name = "Заявка с сайта 1", contactPhone = "+79038100001" }, key: "lead-1"));
            answers.Add(await PostAsync(hub, "/api/contacts", new { name = "Глеб", phone = "+7 903 810-00-02" }));

            Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode));
            var bodies = await Task.WhenAll(answers.Select(answer => answer.Content.ReadFromJsonAsync<JsonElement>()));
            Assert.All(bodies, body => Assert.Equal("pending", body.GetProperty("status").GetString()));
            Assert.All(answers, answer => Assert.StartsWith("/api/operations/", answer.Headers.Location?.OriginalString, StringComparison.Ordinal));
            Assert.Equal(bodies[2].GetRawText(), bodies[3].GetRawText());
            var pending = await hub.Http.GetFromJsonAsync<JsonElement>($"/api/operations?account={Account}&status=pending");
            Assert.Equal(4, pending.GetProperty("total").GetInt64());
            Assert.Empty(amoCrm.GetContacts(Account));

            amoCrm.ClearFaults(Account);
            var done = await Eventually.MatchAsync(
                () => Task.WhenAll(answers.Select(answer => hub.Http.GetFromJsonAsync<JsonElement>(answer.Headers.Location!))),
                operations => operations.All(operation => operation.GetProperty("status").GetString() == "done"),
                TimeSpan.FromSeconds(90),
                "every accepted request to be done once amoCRM answers");

            Assert.Single(amoCrm.GetContacts(Account), contact => contact.Phones.Any(phone => phone.Value.EndsWith("8100001", StringComparison.Ordinal)));
            Assert.Single(amoCrm.GetContacts(Account), contact => contact.Phones.Any(phone => phone.Value.EndsWith("8100002", StringComparison.Ordinal)));
            var lead = Assert.Single(amoCrm.GetLeads(Account));
            Assert.Equal(done[0].GetProperty("result").GetProperty("amocrmId").GetInt64(), done[1].GetProperty("result").GetProperty("amocrmId").GetInt64());
            Assert.Equal(lead.Id, done[2].GetProperty("result").GetProperty("amocrmId").GetInt64());
            Assert.Equal(done[0].GetProperty("result").GetProperty("amocrmId").GetInt64(), done[2].GetProperty("result").GetProperty("contactId").GetInt64());

            // The first of two requests for one phone made the contact; the second found it.
            Assert.True(done[0].GetProperty("result").GetProperty("created").GetBoolean());
            Assert.False(done[1].GetProperty("result").GetProperty("created").GetBoolean());
            var backlog = await hub.Http.GetFromJsonAsync<JsonElement>($"/api/operations?account={Account}&status=pending");
            Assert.Equal(0, backlog.GetProperty("total").GetInt64());

            // The key still answers its first answer, the 202, though the operation is done now.
            using var replay = await PostAsync(hub, "/api/leads", new { name = "Заявка с сайта 1", contactPhone = "+79038100001" }, key: "lead-1");
            Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
            Assert.Equal(bodies[2].GetRawText(), (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetRawText());
        }
        finally
        {
            foreach (var answer in answers)
            {
                answer.Dispose();
            }
        }
    }

    [Fact]
    public async Task Prefer_respond_async_is_answered_202_and_the_callback_receives_the_finished_operation_with_its_delivery_id()
    {
        var received = new ConcurrentQueue<(string? Delivery, string? Attempt, JsonElement Body)>();
        var refusals = 1;
        await using var receiver = await StartReceiverAsync(async context =>
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body);
            received.Enqueue((context.Request.Headers["AmoHub-Delivery"], context.Request.Headers["AmoHub-Attempt"], body));

            // The first delivery fails: it is sent again.
            context.Response.StatusCode = Interlocked.Decrement(ref refusals) >= 0 ? 500 : 204;
        });
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/contacts")
        {
            Content = JsonContent.Create(new { name = "Дина", phone = "+7 903 820-00-01", callbackUrl = new Uri(receiver.Url, "/amohub").AbsoluteUri }),
        };
        request.Headers.Add("Prefer", "respond-async, wait=5");
        using var accepted = await hub.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var id = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        await Eventually.MatchAsync(() => Task.FromResult(received.Count), count => count >= 2, TimeSpan.FromSeconds(60), "the callback to be delivered again after a 500");
        var deliveries = received.ToArray();
        Assert.All(deliveries, delivery => Assert.Equal(id, delivery.Delivery));
        Assert.Equal(["1", "2"], deliveries.Take(2).Select(delivery => delivery.Attempt));
        Assert.Equal("done", deliveries[0].Body.GetProperty("status").GetString());
        var contact = Assert.Single(hub.Sandbox.Sandbox.GetContacts(Account));
        Assert.Equal(contact.Id, deliveries[0].Body.GetProperty("result").GetProperty("amocrmId").GetInt64());
    }

    [Fact]
    public async Task A_request_amoCRM_refuses_ends_failed_with_its_reason()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);

        // The main pipeline's «Принимают решение» takes a lead only with its contract number, which AmoHub does not send.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/leads") { Content = JsonContent.Create(new { name = "Без договора", statusId = 1_000_013 }) };
        request.Headers.Add("Prefer", "respond-async");
        using var accepted = await hub.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var failed = await Eventually.MatchAsync(
            () => hub.Http.GetFromJsonAsync<JsonElement>(accepted.Headers.Location!),
            operation => operation.GetProperty("status").GetString() != "pending",
            TimeSpan.FromSeconds(60),
            "the operation to end");
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(failed.GetProperty("reason").GetString()));
        Assert.Empty(hub.Sandbox.Sandbox.GetLeads(Account));
    }

    [Fact]
    public async Task A_create_amoCRM_answers_slower_than_MaxWait_is_answered_202_and_completed()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite, new Dictionary<string, string> { ["AmoHub:AmoCrm:MaxWait"] = "00:00:00.500" });
        hub.Sandbox.Sandbox.SetFault(Account, new SandboxFault(Latency: TimeSpan.FromSeconds(3)));

        using var accepted = await PostAsync(hub, "/api/contacts", new { name = "Ефим", phone = "+7 903 830-00-01" });

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var done = await Eventually.MatchAsync(
            () => hub.Http.GetFromJsonAsync<JsonElement>(accepted.Headers.Location!),
            operation => operation.GetProperty("status").GetString() == "done",
            TimeSpan.FromSeconds(60),
            "the slow create to be done");
        Assert.Equal(Assert.Single(hub.Sandbox.Sandbox.GetContacts(Account)).Id, done.GetProperty("result").GetProperty("amocrmId").GetInt64());
    }

    [Theory]
    [InlineData("", "Idempotency-Key")]
    [InlineData("two words", "Idempotency-Key")]
    [InlineData(null, "callbackUrl")]
    public async Task A_bad_key_or_callback_is_a_400_naming_it_and_nothing_is_stored_or_sent(string? key, string field)
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/contacts")
        {
            Content = JsonContent.Create(new { name = "Жанна", phone = "+7 903 840-00-01", callbackUrl = key is null ? "ftp://example.com/x" : null }),
        };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        using var refused = await hub.Http.SendAsync(request);

        await IncidentTests.AssertProblemAsync(refused, HttpStatusCode.BadRequest, field);
        Assert.Empty(hub.Sandbox.Sandbox.GetContacts(Account));
        Assert.Equal(0, await hub.Database.ScalarAsync("SELECT COUNT(*) FROM crm_operations"));
    }

    [Fact]
    public async Task An_unknown_or_malformed_operation_id_or_one_of_another_account_is_a_404_problem()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);
        var others = Guid.NewGuid().ToString("N");
        await hub.Database.ExecuteAsync(
            "INSERT INTO crm_operations (id, account, kind, fingerprint, request, status, answered, created_at) " +
            $"VALUES ('{others}', 'other', 'contact', '{new string('0', 64)}', '{{}}', 'pending', 'accepted', 1000)");

        foreach (var id in new[] { Guid.NewGuid().ToString("N"), others, "not-an-id", new string('a', 65), "zz%20zz" })
        {
            using var response = await hub.Http.GetAsync($"/api/operations/{id}?account={Account}");
            await IncidentTests.AssertProblemAsync(response, HttpStatusCode.NotFound, null);
        }
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_stored_request_AmoHub_cannot_run_ends_failed_after_its_bound_and_only_requests_for_its_phone_wait_behind_it(StorageProvider engine)
    {
        var callbacks = new ConcurrentQueue<JsonElement>();
        await using var receiver = await StartReceiverAsync(async context =>
        {
            callbacks.Enqueue(await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body));
            context.Response.StatusCode = 204;
        });

        // One try a request while amoCRM is down (the drain tries again anyway), and no probes spending the account's
        // budget on a down amoCRM: a request's first run ends within seconds, however loaded the machine.
        await using var hub = await InProcessAmoHub.StartAsync(engine, new Dictionary<string, string>
        {
            ["AmoHub:AmoCrm:MaxAttempts"] = "1",
            ["AmoHub:Probes:Enabled"] = "false",
        });
        var amoCrm = hub.Sandbox.Sandbox;
        amoCrm.SetFault(Account, new SandboxFault(FailureRate: 1, FailureStatus: 503));

        // A stored request AmoHub's runner throws on (a lead request without its lead), as a bug or an older version
        // could leave one; the requests after it come through the API while amoCRM is down, so that once it is back
        // the drain tries one request first (the broken one).
        var brokenId = Guid.NewGuid().ToString("N");
        var callbackUrl = new Uri(receiver.Url, "/amohub").AbsoluteUri;
        await hub.Database.ExecuteAsync(
            "INSERT INTO crm_operations (id, account, kind, fingerprint, request, status, answered, callback_url, created_at) " +
            $"VALUES ('{brokenId}', '{Account}', 'lead', '{new string('0', 64)}', " +
            $"'{{\"kind\":1,\"contact\":{{\"phone\":\"+79038500002\",\"name\":\"Илья\"}},\"fingerprint\":\"{new string('0', 64)}\",\"callbackUrl\":\"{callbackUrl}\"}}', " +
            $"'pending', 'accepted', '{callbackUrl}', {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()})");
        var brokenLocation = new Uri($"/api/operations/{brokenId}?account={Account}", UriKind.Relative);
        using var first = await PostAsync(hub, "/api/contacts", new { name = "Зоя", phone = "+7 903 850-00-01" }, respondAsync: true);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        await Eventually.MatchAsync(
            () => hub.Http.GetFromJsonAsync<JsonElement>(first.Headers.Location!),
            operation => operation.GetProperty("reason").ValueKind == JsonValueKind.String,
            TimeSpan.FromSeconds(90),
            "the request to wait for amoCRM");
        amoCrm.ClearFaults(Account);
        using var lead = await PostAsync(hub, "/api/leads", new { name = "Заявка 850", contactPhone = "+7 903 850-00-03" }, respondAsync: true);
        Assert.Equal(HttpStatusCode.Accepted, lead.StatusCode);
        await Eventually.MatchAsync(
            () => Task.WhenAll(new[] { first, lead }.Select(answer => hub.Http.GetFromJsonAsync<JsonElement>(answer.Headers.Location!))),
            operations => operations.All(operation => operation.GetProperty("status").GetString() == "done"),
            TimeSpan.FromSeconds(60),
            "the requests after the broken one to be done");
        Assert.Equal("pending", (await hub.Http.GetFromJsonAsync<JsonElement>(brokenLocation)).GetProperty("status").GetString());

        // A request for the broken one's phone waits behind it; others go on. Each accepted request starts a drain pass,
        // which runs the broken request again.
        using var samePhone = await PostAsync(hub, "/api/contacts", new { name = "Илья К.", phone = "+7 903 850-00-02" }, respondAsync: true);
        Assert.Equal(HttpStatusCode.Accepted, samePhone.StatusCode);
        JsonElement ended = default, after = default;
        for (var i = 0; i < 3 * OperationsGrain.MaxFailedRuns && after.ValueKind != JsonValueKind.Object; i++)
        {
            using var other = await PostAsync(hub, "/api/contacts", new { name = $"Клиент {i}", phone = $"+7 903 851-00-{i:00}" }, respondAsync: true);
            Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
            await Eventually.MatchAsync(
                () => hub.Http.GetFromJsonAsync<JsonElement>(other.Headers.Location!),
                operation => operation.GetProperty("status").GetString() == "done",
                TimeSpan.FromSeconds(60),
                "a request for another phone to be done while the broken one is tried again");
            var waiting = await hub.Http.GetFromJsonAsync<JsonElement>(samePhone.Headers.Location!);
            ended = await hub.Http.GetFromJsonAsync<JsonElement>(brokenLocation);
            Assert.True(ended.GetProperty("status").GetString() != "pending" || waiting.GetProperty("status").GetString() == "pending", "a request for the broken one's phone ran before it ended");
            after = waiting.GetProperty("status").GetString() == "done" ? waiting : default;
        }

        Assert.Equal("failed", ended.GetProperty("status").GetString());
        Assert.Equal(OperationsGrain.CouldNotRun, ended.GetProperty("reason").GetString());
        Assert.Equal(OperationsGrain.MaxFailedRuns - 1, await hub.Database.ScalarAsync($"SELECT failed_runs FROM crm_operations WHERE id = '{brokenId}'"));
        Assert.Equal(JsonValueKind.Object, after.ValueKind);
        Assert.True(after.GetProperty("result").GetProperty("created").GetBoolean());
        var callback = await Eventually.MatchAsync(
            () => Task.FromResult(callbacks.ToArray()),
            received => received.Length > 0,
            TimeSpan.FromSeconds(60),
            "the broken request's callback");
        Assert.Equal("failed", Assert.Single(callback).GetProperty("status").GetString());

        // Nothing else is lost: every other request is done, each phone has its one contact.
        Assert.Equal(1, await hub.Database.ScalarAsync("SELECT COUNT(*) FROM crm_operations WHERE status <> 'done'"));
        var phones = amoCrm.GetContacts(Account).SelectMany(contact => contact.Phones.Select(phone => phone.Value[^7..])).ToList();
        Assert.Equal(phones.Distinct().Count(), phones.Count);
        Assert.Contains("8500002", phones);
        Assert.Single(amoCrm.GetLeads(Account));
    }

    private static async Task<HttpResponseMessage> PostAsync(InProcessAmoHub hub, string path, object body, string? key = null, bool respondAsync = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        if (respondAsync)
        {
            request.Headers.Add("Prefer", "respond-async");
        }

        return await hub.Http.SendAsync(request);
    }

    private static async Task<Receiver> StartReceiverAsync(RequestDelegate handle)
    {
        var builder = WebApplication.CreateSlimBuilder();
        var url = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        builder.WebHost.UseUrls(url.AbsoluteUri);
        var app = builder.Build();
        app.Run(handle);
        await app.StartAsync();
        return new Receiver(app, url);
    }

    /// <summary>A callback receiver on its own port.</summary>
    private sealed record Receiver(WebApplication App, Uri Url) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }
}
