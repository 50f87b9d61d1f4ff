using System.Net;
using System.Net.Http.Json;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Crm;

/// <summary>
/// Tests that count amoCRM's 429s run on their own: the sandbox shares this process's two cores, and a machine
/// saturated by other tests delays requests unevenly enough to make arrivals bunch up at the sandbox.
/// </summary>
[CollectionDefinition(nameof(AmoCrmBudgetTests), DisableParallelization = true)]
[Collection(nameof(AmoCrmBudgetTests))]
public sealed class AmoCrmBudgetTests
{
    private const string Account = "sandbox";

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Five_hundred_new_contacts_are_all_created_under_the_7_per_second_limit_without_a_429(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);
        using var gate = new SemaphoreSlim(32);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 500).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                using var response = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = $"Покупатель {i}", phone = $"+7 926 {i / 10000 % 10}{i:0000}-00".Replace("-", "", StringComparison.Ordinal) });
                return response.StatusCode;
            }
            finally
            {
                gate.Release();
            }
        }));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Created, status));
        Assert.Equal(500, hub.Sandbox.Sandbox.GetContacts(Account).Count);
        var stats = hub.Sandbox.Sandbox.GetStats(Account);
        Assert.Equal(0, stats.TooManyRequests);
        Assert.Equal(500, await hub.Database.ScalarAsync($"SELECT COUNT(*) FROM contacts WHERE account = '{Account}'"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task amoCRM_failing_half_its_requests_makes_no_duplicate_and_every_answer_is_clear(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);
        hub.Sandbox.Sandbox.SetFault(Account, new AmoHub.Sandbox.Faults.SandboxFault(FailureRate: 0.5, FailureStatus: 502));

        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
        {
            using var response = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = $"Клиент {i}", phone = $"+7 926 300-{i:00}-{i:00}" });
            return (i, response.StatusCode, response.Content.Headers.ContentType?.MediaType);
        }));

        // Made, or accepted to be made once amoCRM takes it.
        Assert.All(answers, a => Assert.True(
            a.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted,
            $"request {a.i} got {a.StatusCode} {a.MediaType}"));
        hub.Sandbox.Sandbox.ClearFaults(Account);
        await Eventually.MatchAsync(
            () => hub.Http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/operations?account={Account}&status=pending"),
            pending => pending.GetProperty("total").GetInt64() == 0,
            TimeSpan.FromSeconds(120),
            "the accepted requests to be made");
        var phones = hub.Sandbox.Sandbox.GetContacts(Account).SelectMany(c => c.Phones.Select(p => p.Value)).ToList();
        Assert.Equal(phones.Count, phones.Distinct().Count());
        Assert.True(phones.Count >= answers.Count(a => a.StatusCode == HttpStatusCode.Created));

        // Asked again, every phone ends with exactly one contact.
        foreach (var (i, _, _) in answers)
        {
            using var again = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = $"Клиент {i}", phone = $"+7 926 300-{i:00}-{i:00}" });
            Assert.True(again.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created);
        }

        Assert.Equal(30, hub.Sandbox.Sandbox.GetContacts(Account).Count);
    }
}
