using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AmoHub.Tests.Faults;

/// <summary>
/// MariaDB killed for 20 s while callers create contacts: they get 503 problem+json with Retry-After (no stack
/// trace) while it is down, AmoHub serves again once it is back without being restarted, and every contact a
/// caller was told about (2xx) is in the read model and in amoCRM exactly once.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class MariaDbOutageTests
{
    private const string Account = "sandbox";
    private const int Callers = 4;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(20);

    /// <summary>No single request may take longer than this, database or not.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task While_MariaDB_is_down_requests_get_a_503_problem_and_after_it_is_back_nothing_accepted_is_lost()
    {
        using var server = await MariaDbServer.StartDedicatedAsync();
        using var database = await TestDatabase.CreateOnAsync(server);
        await using var hub = await InProcessAmoHub.StartOnAsync(database);
        var answers = new ConcurrentBag<Answer>();
        var phase = Phase.Before;
        using var stop = new CancellationTokenSource();
        var callers = Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var sentIn = phase;
                answers.Add(await CreateAsync(hub, string.Create(CultureInfo.InvariantCulture, $"+7 905 {caller}{n:D6}"), sentIn));
            }
        })).ToList();

        await Eventually.MatchAsync(() => Task.FromResult(answers.Count(a => a.Success)), count => count >= 10, TimeSpan.FromSeconds(60), "contacts to be created before the outage");
        await server.StopServerAsync();
        phase = Phase.Down;
        await Task.Delay(Outage);
        phase = Phase.Restarting;
        await server.RestartAsync();
        phase = Phase.After;

        // Recovery without restarting AmoHub: new phones are created again.
        await Eventually.MatchAsync(
            () => Task.FromResult(answers.Count(a => a.Phase == Phase.After && a.Success)),
            count => count >= 10,
            TimeSpan.FromSeconds(120),
            "contacts to be created again after MariaDB came back");
        await stop.CancelAsync();
        await Task.WhenAll(callers);

        var all = answers.ToList();
        var unclear = all.Where(a => !a.Success && !(a.IsProblem && !a.HasStackTrace)).ToList();
        Assert.True(unclear.Count == 0, "answers that are neither a success nor a clean problem+json: " + string.Join("; ", unclear.Take(5)));
        Assert.DoesNotContain(all, a => a.Status == HttpStatusCode.InternalServerError);
        var down = all.Where(a => a.Phase == Phase.Down && !a.Success).ToList();
        Assert.NotEmpty(down);
        Assert.All(down, a =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, a.Status);
            Assert.True(a.RetryAfter, $"a 503 without Retry-After: {a}");
        });

        var phones = hub.Services.GetRequiredService<PhoneNormalizer>();
        var accepted = all.Where(a => a.Success).ToList();
        var readModel = await ReadModelPhonesAsync(database);
        var amoCrm = hub.Sandbox.Sandbox.GetContacts(Account)
            .SelectMany(c => c.Phones.Select(p => phones.TryNormalize(p.Value, out var e164) ? e164 : p.Value))
            .GroupBy(p => p)
            .ToDictionary(g => g.Key, g => g.Count());
        foreach (var answer in accepted)
        {
            Assert.True(phones.TryNormalize(answer.Phone, out var e164));
            Assert.True(readModel.GetValueOrDefault(e164!) == 1, $"{answer} is in the read model {readModel.GetValueOrDefault(e164!)} times");
            Assert.True(amoCrm.GetValueOrDefault(e164!) == 1, $"{answer} is in amoCRM {amoCrm.GetValueOrDefault(e164!)} times");
        }
    }

    private static async Task<Answer> CreateAsync(InProcessAmoHub hub, string phone, Phase phase)
    {
        using var bound = new CancellationTokenSource(Bound);
        var started = Stopwatch.StartNew();
        try
        {
            using var response = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = "Outage " + phone, phone }, bound.Token);
            var text = await response.Content.ReadAsStringAsync(bound.Token);
            var isProblem = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                && JsonDocument.Parse(text).RootElement.TryGetProperty("title", out _);
            if (!response.IsSuccessStatusCode)
            {
                // Let a caller that was refused wait as a client honouring Retry-After would, a little.
                await Task.Delay(200, CancellationToken.None);
            }

            return new Answer(phone, phase, response.StatusCode, response.IsSuccessStatusCode, isProblem,
                text.Contains("   at ", StringComparison.Ordinal) || text.Contains("Exception", StringComparison.Ordinal),
                response.Headers.RetryAfter is not null, text.Length > 300 ? text[..300] : text);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"POST /api/contacts for {phone} ({phase}) got no answer within {Bound} ({started.Elapsed}).");
        }
    }

    private static async Task<Dictionary<string, int>> ReadModelPhonesAsync(TestDatabase database)
    {
        await using var connection = await database.Database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT p.phone, COUNT(*) FROM contact_phones p JOIN contacts c ON c.account = p.account AND c.amocrm_id = p.amocrm_id WHERE p.account = '{Account}' GROUP BY p.phone";
        await using var reader = await command.ExecuteReaderAsync();
        var phones = new Dictionary<string, int>();
        while (await reader.ReadAsync())
        {
            phones[reader.GetString(0)] = Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture);
        }

        return phones;
    }

    private enum Phase
    {
        Before,
        Down,
        Restarting,
        After,
    }

    private sealed record Answer(string Phone, Phase Phase, HttpStatusCode Status, bool Success, bool IsProblem, bool HasStackTrace, bool RetryAfter, string Body);
}
