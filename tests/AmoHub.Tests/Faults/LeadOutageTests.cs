using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Sandbox;
using AmoHub.Sandbox.Faults;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using Xunit.Abstractions;

namespace AmoHub.Tests.Faults;

/// <summary>
/// No lead is lost while amoCRM is down: 500 web forms (300 of them sharing a person's phone or email, 50 sent twice
/// with one Idempotency-Key) arrive while amoCRM answers 503 and an AmoHub process is killed with SIGKILL; every one is
/// answered 2xx, and once amoCRM is back amoCRM holds each person once and each lead once, with what the form sent.
/// On a two-silo cluster on MariaDB, run alone: three processes and 550 requests load the machine.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class ClusterLeadOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Forms_sent_through_an_amoCRM_outage_and_a_silo_killed_on_a_two_silo_cluster_all_reach_amoCRM_once()
    {
        await using var cluster = await ProcessCluster.StartAsync(LeadOutage.Account, TimeSpan.FromSeconds(5));
        var amoCrm = cluster.AmoCrm;
        await LeadOutage.RunAsync(
            output,
            amoCrm,
            cluster.WebApi.BaseAddress,
            async () =>
            {
                // The silo that holds the account's operations dies with what it was doing.
                var hosts = await Eventually.MatchAsync(
                    () => cluster.Observer.ActivationsAsync(LeadOutage.Account + "/operations"),
                    found => found.Count == 1,
                    TimeSpan.FromSeconds(30),
                    "the operations grain active");
                var port = hosts.Values.Single();
                var (victim, settings) = cluster.Silos.Single(silo => ClusterObserver.SiloPort(silo.Settings) == port);
                await victim.KillAsync();
                output.WriteLine($"killed the silo on port {port}, host of {LeadOutage.Account}/operations");
                return async () =>
                {
                    var restarted = AmoHubProcess.StartSilo(settings);
                    await restarted.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
                    return restarted;
                };
            });
    }
}

/// <summary>The same on SQLite: one all-in-one process, killed with SIGKILL and started again on its data.</summary>
public sealed class LeadOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Forms_sent_through_an_amoCRM_outage_and_an_all_in_one_AmoHub_killed_on_SQLite_all_reach_amoCRM_once()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using var amoCrm = await StandaloneSandbox.StartAsync();
        var settings = SiloSettings.For(database);
        settings["AmoHub__Accounts__0__Subdomain"] = LeadOutage.Account;
        settings["AmoHub__Accounts__0__BaseUrl"] = new Uri(amoCrm.Url, LeadOutage.Account + "/").AbsoluteUri;
        settings["AmoHub__Accounts__0__AccessToken"] = amoCrm.AccessToken;
        await using var process = AmoHubProcess.StartSilo(settings);
        await process.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
        await LeadOutage.RunAsync(
            output,
            amoCrm,
            process.BaseAddress,
            async () =>
            {
                await process.KillAsync();
                output.WriteLine("killed the all-in-one process");
                return async () =>
                {
                    var restarted = AmoHubProcess.StartSilo(settings);
                    await restarted.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
                    return restarted;
                };
            });
    }
}

/// <summary>The scenario both tests run, and the forms it sends.</summary>
internal static class LeadOutage
{
    public const string Account = "acme";
    private const int People = 300;

    /// <summary>People 0–99 send three forms each (by phone, by both, by email); the rest one form with both.</summary>
    private const int ReturningPeople = 100;

    /// <summary>Forms of people 100–149 carry an Idempotency-Key and are sent a second time after the kill.</summary>
    private const int KeyedFrom = 100;

    private const int Keyed = 50;

    /// <summary>
    /// Sends the forms while amoCRM answers 503, kills an AmoHub process half-way (<paramref name="kill"/> answers how to
    /// start it again), sends on, replays the keyed forms, ends the outage once everything is answered (the outage
    /// outlasts the kill, the restart and the drain's first retries, not a fixed time: CI minutes are not spent
    /// waiting), and checks what amoCRM holds.
    /// </summary>
    public static async Task RunAsync(ITestOutputHelper output, SandboxServer amoCrm, Uri webApi, Func<Task<Func<Task<AmoHubProcess>>>> kill)
    {
        using var http = new HttpClient { BaseAddress = webApi, Timeout = TimeSpan.FromSeconds(100) };
        amoCrm.Sandbox.SetFault(Account, new SandboxFault(FailureRate: 1, FailureStatus: 503));

        var answers = new ConcurrentDictionary<Form, Answer>();
        var chains = Enumerable.Range(0, People).Select(FormsOf).ToList();
        var half = chains.Count / 2;
        await SendAsync(http, chains.Take(half), answers);

        var restart = await kill();
        var sending = SendAsync(http, chains.Skip(half), answers);
        await using var restarted = await restart();
        await sending;

        // The keyed forms again, now that the process that first answered them is gone: the same answer, byte for byte.
        var keyed = answers.Keys.Where(form => form.Key is not null).ToList();
        Assert.Equal(Keyed, keyed.Count);
        foreach (var form in keyed)
        {
            var replayed = await SendAsync(http, form);
            Assert.Equal(answers[form].Status, replayed.Status);
            Assert.Equal(answers[form].Body, replayed.Body);
        }

        using (var reused = await PostAsync(http, keyed[0] with { LeadName = "Другая заявка" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, reused.StatusCode);
        }

        var statuses = answers.Values.GroupBy(answer => answer.Status).ToDictionary(group => group.Key, group => group.Count());
        output.WriteLine("answers: " + string.Join(", ", statuses.Select(pair => $"{pair.Key}: {pair.Value}")));
        Assert.Equal(500, answers.Count);
        Assert.All(answers.Values, answer => Assert.Contains(answer.Status, new[] { HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.Accepted }));
        Assert.Contains(HttpStatusCode.Accepted, statuses.Keys);

        amoCrm.Sandbox.ClearFaults(Account);

        await Eventually.MatchAsync(
            () => TotalAsync(http, "pending"),
            pending => pending == 0,
            TimeSpan.FromMinutes(5),
            "no operation pending");
        Assert.Equal(0, await TotalAsync(http, "failed"));
        var done = new HashSet<string>(StringComparer.Ordinal);
        for (var page = 1; ; page++)
        {
            var listed = await http.GetFromJsonAsync<JsonElement>($"/api/operations?account={Account}&status=done&page={page}&pageSize=250");
            var items = listed.GetProperty("items").EnumerateArray().ToList();
            done.UnionWith(items.Select(item => $"/api/operations/{item.GetProperty("id").GetString()}?account={Account}"));
            if (items.Count < 250)
            {
                break;
            }
        }

        var accepted = answers.Values.Where(answer => answer.Location is not null).Select(answer => answer.Location!).ToList();
        Assert.All(accepted, location => Assert.Contains(location, done));

        AssertAmoCrmHoldsEachOnce(amoCrm.Sandbox, answers.Keys.ToList());
    }

    private static async Task<long> TotalAsync(HttpClient http, string status) =>
        (await http.GetFromJsonAsync<JsonElement>($"/api/operations?account={Account}&status={status}&pageSize=1")).GetProperty("total").GetInt64();

    /// <summary>amoCRM holds one contact per person, with their phone and email, and one lead per form, whole.</summary>
    private static void AssertAmoCrmHoldsEachOnce(AmoCrmSandbox amoCrm, IReadOnlyList<Form> forms)
    {
        var contacts = amoCrm.GetContacts(Account);
        Assert.Equal(People, contacts.Count);
        for (var person = 0; person < People; person++)
        {
            var contact = Assert.Single(contacts, contact => contact.Phones.Any(phone => Digits(phone.Value).EndsWith(LocalNumber(person), StringComparison.Ordinal)));
            Assert.Single(contacts, other => other.Emails.Any(email => string.Equals(email.Value.Trim(), Email(person), StringComparison.OrdinalIgnoreCase)));
            Assert.Contains(contact.Emails, email => string.Equals(email.Value.Trim(), Email(person), StringComparison.OrdinalIgnoreCase));
        }

        var leads = amoCrm.GetLeads(Account);
        Assert.Equal(forms.Count, leads.Count);
        foreach (var form in forms)
        {
            var lead = Assert.Single(leads, lead => lead.Name == form.LeadName);
            var contact = contacts.Single(contact => contact.Id == Assert.Single(lead.Contacts).Id);
            Assert.Contains(contact.Phones, phone => Digits(phone.Value).EndsWith(LocalNumber(form.Person), StringComparison.Ordinal));
            Assert.Equal(Tags(form.Person), lead.Tags.Select(tag => tag.Name));
            var utm = lead.CustomFields.Where(field => field.FieldCode is not null).ToDictionary(field => field.FieldCode!, field => Assert.Single(field.Values).Value);
            Assert.Equal("yandex", utm["UTM_SOURCE"]);
            Assert.Equal($"campaign-{form.Person % 7}", utm["UTM_CAMPAIGN"]);
            Assert.Equal(Note(form), Assert.Single(amoCrm.GetNotes(Account, lead.Id, SandboxEntityType.Leads)).Text);
        }
    }

    /// <summary>Sends chains of forms side by side, each chain's forms one after another.</summary>
    private static Task SendAsync(HttpClient http, IEnumerable<IReadOnlyList<Form>> chains, ConcurrentDictionary<Form, Answer> answers) =>
        Parallel.ForEachAsync(chains, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (chain, _) =>
        {
            foreach (var form in chain)
            {
                Assert.True(answers.TryAdd(form, await SendAsync(http, form)));
            }
        });

    /// <summary>
    /// Sends a form until AmoHub answers it, as a form's page would: a process that is down refuses the connection, and
    /// sending again is safe (with its key, or without: AmoHub makes nothing twice).
    /// </summary>
    private static async Task<Answer> SendAsync(HttpClient http, Form form)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await PostAsync(http, form);
                return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location?.OriginalString);
            }
            catch (HttpRequestException) when (attempt < 600)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, Form form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/leads?account={Account}")
        {
            Content = JsonContent.Create(new
            {
                name = form.LeadName,
                tags = Tags(form.Person),
                utm = new { utm_source = "yandex", utm_campaign = $"campaign-{form.Person % 7}" },
                note = Note(form),
                contact = new { name = $"Клиент {form.Person}", phone = form.Phone, email = form.Email },
            }),
        };
        if (form.Key is not null)
        {
            request.Headers.Add("Idempotency-Key", form.Key);
        }

        return await http.SendAsync(request);
    }

    /// <summary>
    /// A person's forms in the order they send them. Half the returning people write first by phone alone, so the
    /// contact their first form makes lacks the email a later form brings; the other half first with both.
    /// </summary>
    private static IReadOnlyList<Form> FormsOf(int person)
    {
        var phone = $"+7 (904) {LocalNumber(person)[3..6]}-{LocalNumber(person)[6..8]}-{LocalNumber(person)[8..]}";
        var email = Email(person);
        if (person >= ReturningPeople)
        {
            var key = person is >= KeyedFrom and < KeyedFrom + Keyed ? $"form-{person}" : null;
            return [new Form(person, 0, phone, email, key)];
        }

        var shouting = email.ToUpperInvariant() + " ";
        return person % 2 == 0
            ? [new Form(person, 0, phone, null, null), new Form(person, 1, "8" + LocalNumber(person), email, null), new Form(person, 2, null, shouting, null)]
            : [new Form(person, 0, phone, email, null), new Form(person, 1, "8" + LocalNumber(person), null, null), new Form(person, 2, null, shouting, null)];
    }

    /// <summary>The ten digits of a person's phone after the country code.</summary>
    private static string LocalNumber(int person) => "904" + (5_000_000 + person).ToString(CultureInfo.InvariantCulture);

    private static string Email(int person) => $"client{person}@example.com";

    private static string[] Tags(int person) => ["сайт", $"волна-{person % 3}"];

    private static string Note(Form form) => $"Перезвонить клиенту {form.Person}, форма {form.Number}.";

    private static string Digits(string text) => string.Concat(text.Where(char.IsAsciiDigit));

    private sealed record Form(int Person, int Number, string? Phone, string? Email, string? Key)
    {
        public string LeadName { get; init; } = $"Заявка {Person}-{Number}";
    }

    private sealed record Answer(HttpStatusCode Status, string Body, string? Location);
}
