using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Sandbox.Faults;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AmoHub.Tests.Faults;

/// <summary>
/// amoCRM misbehaving (429s, 500s, slow answers, no answer at all) while callers create contacts and leads at
/// once: no request hangs, what amoCRM cannot take is accepted (202) and completed once it is back, every error is
/// a problem+json, and amoCRM ends up with one entity per phone and per lead name.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class SandboxFaultTests
{
    private const string Account = "sandbox";

    /// <summary>No single request may take longer than this, whatever amoCRM does.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    public static TheoryData<string> Faults => ["429", "500", "slow", "timeout"];

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Concurrent_creates_under_an_amoCRM_fault_end_in_a_result_or_a_problem_and_make_no_duplicates(string fault)
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite, new Dictionary<string, string>
        {
            // A short amoCRM timeout and few attempts keep a hanging amoCRM within the bound.
            ["AmoHub:AmoCrm:RequestTimeout"] = "00:00:02",
            ["AmoHub:AmoCrm:MaxAttempts"] = "3",
        });
        var requests = Requests();
        hub.Sandbox.Sandbox.SetFault(Account, fault switch
        {
            "429" => new SandboxFault(FailureRate: 0.5, FailureStatus: 429),
            "500" => new SandboxFault(FailureRate: 0.5, FailureStatus: 500),
            "slow" => new SandboxFault(Latency: TimeSpan.FromMilliseconds(1200)),
            _ => new SandboxFault(Timeout: true),
        });

        var during = await Task.WhenAll(requests.Select(request => SendAsync(hub, request)));

        // What was accepted (202) while amoCRM misbehaved is completed once it is back; new requests queue behind it.
        hub.Sandbox.Sandbox.ClearFaults(Account);
        await Eventually.MatchAsync(
            () => hub.Http.GetFromJsonAsync<JsonElement>($"/api/operations?account={Account}&status=pending"),
            pending => pending.GetProperty("total").GetInt64() == 0,
            TimeSpan.FromSeconds(120),
            "the requests accepted during the fault to be completed");
        var after = new List<Answer>();
        foreach (var request in requests)
        {
            after.Add(await SendAsync(hub, request));
        }

        var badAnswers = during.Concat(after).Where(a => !a.Success && !a.IsProblem).Select(a => a.ToString()).ToList();
        Assert.True(badAnswers.Count == 0, "answers that are neither a success nor a problem+json: " + string.Join("; ", badAnswers));
        Assert.DoesNotContain(during.Concat(after), a => a.Status == HttpStatusCode.InternalServerError);
        Assert.All(after, a => Assert.True(a.AmoCrmId is not null, $"after the fault cleared and the backlog was done: {a}"));

        // What a caller was told during the fault still holds: one amoCRM entity per phone and per lead name; a request
        // accepted then ended with the entity asked for after.
        for (var i = 0; i < requests.Count; i++)
        {
            if (during[i].Status == HttpStatusCode.Accepted)
            {
                var operation = await hub.Http.GetFromJsonAsync<JsonElement>(during[i].Location!);
                Assert.Equal("done", operation.GetProperty("status").GetString());
                Assert.Equal(after[i].AmoCrmId, operation.GetProperty("result").GetProperty("amocrmId").GetInt64());
            }
            else if (during[i].Success)
            {
                Assert.Equal(after[i].AmoCrmId, during[i].AmoCrmId);
            }
        }

        var phones = hub.Services.GetRequiredService<PhoneNormalizer>();
        var contactsByPhone = hub.Sandbox.Sandbox.GetContacts(Account)
            .SelectMany(c => c.Phones.Select(p => (Phone: phones.TryNormalize(p.Value, out var e164) ? e164 : p.Value, c.Id)))
            .GroupBy(x => x.Phone)
            .Where(g => g.Select(x => x.Id).Distinct().Count() > 1)
            .Select(g => g.Key)
            .ToList();
        Assert.True(contactsByPhone.Count == 0, "phones with more than one amoCRM contact: " + string.Join(", ", contactsByPhone));
        var leadNames = hub.Sandbox.Sandbox.GetLeads(Account).GroupBy(l => l.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(leadNames.Count == 0, "lead names with more than one amoCRM lead: " + string.Join(", ", leadNames));
        Assert.Equal(ContactPhones, hub.Sandbox.Sandbox.GetContacts(Account).Count);
        Assert.Equal(LeadNames, hub.Sandbox.Sandbox.GetLeads(Account).Count(l => l.Name.StartsWith("Fault lead", StringComparison.Ordinal)));
    }

    private const int ContactPhones = 10;
    private const int LeadNames = 6;

    /// <summary>Every contact phone and lead name twice, in two spellings, interleaved.</summary>
    [Fact]
    public async Task A_create_for_an_account_amoCRM_answers_402_for_waits_and_says_it_is_the_plan_or_payment()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);
        hub.Sandbox.Sandbox.SetFault(Account, new SandboxFault(FailureRate: 1, FailureStatus: 402));

        using var response = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = "Иван", phone = "+7 903 402-00-01" });

        // Kept, not lost: it is made once the account is paid again.
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var waiting = await hub.Http.GetFromJsonAsync<JsonElement>(response.Headers.Location!);
        Assert.Equal("pending", waiting.GetProperty("status").GetString());
        Assert.Contains("plan or payment", waiting.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("payment_required", AmoCrmFailure.PaymentRequired.ErrorCode());

        hub.Sandbox.Sandbox.ClearFaults(Account);
        await Eventually.MatchAsync(
            () => hub.Http.GetFromJsonAsync<JsonElement>(response.Headers.Location!),
            operation => operation.GetProperty("status").GetString() == "done",
            TimeSpan.FromSeconds(120),
            "the contact to be made once the account is paid");
        Assert.Single(hub.Sandbox.Sandbox.GetContacts(Account));
    }

    private static List<(string Path, object Body)> Requests()
    {
        var requests = new List<(string, object)>();
        for (var copy = 0; copy < 2; copy++)
        {
            for (var i = 0; i < ContactPhones; i++)
            {
                var phone = copy == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"+7 904 100-00-{i:D2}")
                    : string.Create(CultureInfo.InvariantCulture, $"8 (904) 100-00-{i:D2}");
                requests.Add(("/api/contacts", new { name = $"Fault contact {i}", phone }));
            }

            for (var i = 0; i < LeadNames; i++)
            {
                requests.Add(("/api/leads", new { name = $"Fault lead {i}", contactPhone = string.Create(CultureInfo.InvariantCulture, $"+7 904 100-00-{i:D2}") }));
            }
        }

        return requests;
    }

    private static async Task<Answer> SendAsync(InProcessAmoHub hub, (string Path, object Body) request)
    {
        using var bound = new CancellationTokenSource(Bound);
        try
        {
            using var response = await hub.Http.PostAsJsonAsync(request.Path, request.Body, bound.Token);
            var text = await response.Content.ReadAsStringAsync(bound.Token);
            var isProblem = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                && JsonDocument.Parse(text).RootElement.TryGetProperty("title", out var title) && title.GetString() is { Length: > 0 };
            long? id = response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created ? JsonDocument.Parse(text).RootElement.GetProperty("amocrmId").GetInt64() : null;
            return new Answer(request.Path, response.StatusCode, response.IsSuccessStatusCode, isProblem, id, text.Length > 300 ? text[..300] : text, response.Headers.Location);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"POST {request.Path} got no answer within {Bound}.");
        }
    }

    private sealed record Answer(string Path, HttpStatusCode Status, bool Success, bool IsProblem, long? AmoCrmId, string Body, Uri? Location = null);
}
