using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using AmoHub.Sandbox.Seeding;
using AmoHub.Sandbox.Tests.Infrastructure;

namespace AmoHub.Sandbox.Tests;

public sealed partial class SeedTests(SandboxFixture fixture) : ReceiverTests, IClassFixture<SandboxFixture>
{
    private const string Messy = """{"contacts":1000,"leads":50,"duplicatePhones":20,"deleted":10,"pipelines":3,"seed":7}""";

    [Fact]
    public async Task Seeding_answers_the_counts_and_the_api_lists_every_live_contact_and_no_deleted_one()
    {
        var account = SandboxFixture.NewAccount();
        using var control = fixture.RootClient();
        using var client = fixture.Client(account);

        var seeded = await SeedAsync(control, account, Messy);
        var listed = await ListAllContactIdsAsync(client);

        Assert.Equal(1000, seeded.GetProperty("contacts").GetInt32());
        Assert.Equal(50, seeded.GetProperty("leads").GetInt32());
        Assert.Equal(20, seeded.GetProperty("duplicatePhones").GetInt32());
        Assert.Equal(10, seeded.GetProperty("deleted").GetInt32());
        Assert.Equal(3, seeded.GetProperty("pipelines").GetInt32());
        Assert.Equal(1000 - 10, listed.Count);
        Assert.Equal(listed.Count, listed.Distinct().Count());
        var deleted = Ids(seeded.GetProperty("sample").GetProperty("deleted"));
        Assert.Equal(10, deleted.Count);
        Assert.Empty(deleted.Intersect(listed));
        Assert.Equal(deleted, fixture.Sandbox.GetDeletedContacts(account).Select(contact => contact.Id));
        var sampled = seeded.GetProperty("sample").GetProperty("contacts").EnumerateArray().ToList();
        Assert.Equal(20, sampled.Count);
        Assert.All(sampled, contact =>
        {
            var stored = fixture.Sandbox.GetContact(account, contact.GetProperty("id").GetInt64());
            Assert.NotNull(stored);
            Assert.Equal(stored.Name, contact.GetProperty("name").GetString());
            Assert.Equal(stored.Phones[0].Value, contact.GetProperty("phone").GetString());
        });
    }

    [Fact]
    public async Task Every_sampled_duplicated_phone_is_held_by_two_or_three_live_contacts_each_spelling_it_differently()
    {
        var account = SandboxFixture.NewAccount();
        using var control = fixture.RootClient();

        var seeded = await SeedAsync(control, account, Messy);
        using var listed = await control.GetAsync($"_sandbox/accounts/{account}/contacts");
        var contacts = (await listed.ReadJsonAsync()).EnumerateArray()
            .SelectMany(contact => contact.GetProperty("phones").EnumerateArray()
                .Select(phone => (Id: contact.GetProperty("id").GetInt64(), Phone: phone.GetProperty("value").GetString()!)))
            .ToList();

        var duplicates = seeded.GetProperty("sample").GetProperty("duplicatePhones").EnumerateArray().ToList();
        Assert.Equal(20, duplicates.Count);
        Assert.All(duplicates, duplicate =>
        {
            var number = NationalNumber(duplicate.GetProperty("phone").GetString()!);
            var holders = contacts.Where(contact => NationalNumber(contact.Phone) == number).ToList();
            Assert.InRange(holders.Count, 2, 3);
            Assert.Equal(Ids(duplicate.GetProperty("contact_ids")), holders.Select(holder => holder.Id));
            Assert.Equal(holders.Count, holders.Select(holder => holder.Phone).Distinct().Count());
        });
    }

    [Fact]
    public async Task The_same_seed_on_two_fresh_accounts_makes_identical_data_and_another_seed_does_not()
    {
        var (first, second, other) = (SandboxFixture.NewAccount(), SandboxFixture.NewAccount(), SandboxFixture.NewAccount());
        using var control = fixture.RootClient();

        var answers = new[]
        {
            (await SeedAsync(control, first, Messy)).GetRawText(),
            (await SeedAsync(control, second, Messy)).GetRawText(),
            (await SeedAsync(control, other, Messy.Replace("\"seed\":7", "\"seed\":8", StringComparison.Ordinal))).GetRawText(),
        };
        var states = new List<string>();
        foreach (var account in new[] { first, second, other })
        {
            states.Add(await control.GetStringAsync(new Uri($"_sandbox/accounts/{account}/contacts", UriKind.Relative))
                + await control.GetStringAsync(new Uri($"_sandbox/accounts/{account}/leads", UriKind.Relative))
                + JsonSerializer.Serialize(fixture.Sandbox.GetDeletedContacts(account)));
        }

        Assert.Equal(answers[0], answers[1]);
        Assert.Equal(states[0], states[1]);
        Assert.NotEqual(answers[0], answers[2]);
        Assert.NotEqual(states[0], states[2]);
    }

    [Fact]
    public async Task Seeded_phones_come_in_every_spelling_people_type_some_with_an_extension()
    {
        var account = SandboxFixture.NewAccount();
        using var control = fixture.RootClient();

        await SeedAsync(control, account, Messy);

        var phones = fixture.Sandbox.GetContacts(account).SelectMany(contact => contact.Phones).Select(phone => phone.Value).ToList();
        Assert.Contains(phones, phone => EightSpaced().IsMatch(phone));
        Assert.Contains(phones, phone => PlusSevenBrackets().IsMatch(phone));
        Assert.Contains(phones, phone => SevenDigitsOnly().IsMatch(phone));
        Assert.Contains(phones, phone => EightDashed().IsMatch(phone));
        Assert.Contains(phones, phone => PlusSevenSubscriberTogether().IsMatch(phone));
        Assert.Contains(phones, phone => phone.Contains("доб. ", StringComparison.Ordinal));
        Assert.Contains(phones, phone => phone.Contains("ext. ", StringComparison.Ordinal));
        Assert.All(phones, phone => Assert.Equal(10, NationalNumber(phone).Length));
    }

    [Fact]
    public async Task Some_seeded_contacts_have_an_email_made_of_their_name_that_a_query_finds_in_any_case()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        fixture.Sandbox.Seed(account, new SandboxSeed(Contacts: 300, Seed: 3));

        var withEmail = fixture.Sandbox.GetContacts(account).Where(contact => contact.Emails.Count > 0).ToList();
        var sample = withEmail[^1];
        using var found = await client.GetAsync($"api/v4/contacts?query={Uri.EscapeDataString(sample.Emails[0].Value.ToUpperInvariant())}");

        Assert.InRange(withEmail.Count, 30, 100);
        Assert.All(withEmail, contact => Assert.Matches(LatinAddress(), contact.Emails[0].Value));
        Assert.All(withEmail, contact => Assert.True(contact.Emails[0].EnumCode is "WORK" or "PRIV"));
        var ids = (await found.ReadJsonAsync()).GetProperty("_embedded").GetProperty("contacts").EnumerateArray().Select(contact => contact.GetProperty("id").GetInt64()).ToList();
        Assert.Contains(sample.Id, ids);
        Assert.All(ids, id => Assert.Equal(sample.Emails[0].Value, fixture.Sandbox.GetContact(account, id)!.Emails[0].Value));
    }

    [Fact]
    public async Task Seeded_leads_spread_over_the_pipelines_each_linked_to_a_live_contact_and_move_by_the_pipelines_statuses()
    {
        var account = SandboxFixture.NewAccount();
        using var control = fixture.RootClient();
        using var client = fixture.Client(account);

        await SeedAsync(control, account, Messy);
        using var pipelinesResponse = await client.GetAsync("api/v4/leads/pipelines");
        var pipelines = (await pipelinesResponse.ReadJsonAsync()).GetProperty("_embedded").GetProperty("pipelines").EnumerateArray()
            .Select(pipeline => (
                Id: pipeline.GetProperty("id").GetInt64(),
                Statuses: pipeline.GetProperty("_embedded").GetProperty("statuses").EnumerateArray().Select(status => status.GetProperty("id").GetInt64()).ToList()))
            .ToList();
        var leads = fixture.Sandbox.GetLeads(account);

        Assert.Equal(3, pipelines.Count);
        Assert.Equal(1_000_001, pipelines[0].Id);
        Assert.All(pipelines, pipeline => Assert.Equal([142, 143], pipeline.Statuses[^2..]));
        Assert.Equal(9, pipelines.SelectMany(pipeline => pipeline.Statuses[..^2]).Distinct().Count());
        Assert.Equal(50, leads.Count);
        Assert.Equal(pipelines.Select(pipeline => pipeline.Id), leads.Select(lead => lead.PipelineId).Distinct().Order());
        Assert.All(leads, lead =>
        {
            Assert.Contains(lead.StatusId, pipelines.Single(pipeline => pipeline.Id == lead.PipelineId).Statuses);
            Assert.Equal(lead.ClosedAt is not null, lead.StatusId is 142 or 143);
            Assert.NotNull(fixture.Sandbox.GetContact(account, Assert.Single(lead.Contacts).Id));
        });

        var lead = leads.First(lead => lead.PipelineId == pipelines[1].Id);
        using var won = await client.PatchJsonAsync($"api/v4/leads/{lead.Id}", """{"status_id":142}""");
        var afterWon = fixture.Sandbox.GetLead(account, lead.Id)!;
        using var moved = await client.PatchJsonAsync($"api/v4/leads/{lead.Id}", $$"""{"status_id":{{pipelines[2].Statuses[1]}}}""");
        var afterMove = fixture.Sandbox.GetLead(account, lead.Id)!;
        using var wrongPipeline = await client.PatchJsonAsync(
            $"api/v4/leads/{lead.Id}", $$"""{"pipeline_id":{{pipelines[0].Id}},"status_id":{{pipelines[2].Statuses[0]}}}""");

        Assert.Equal(HttpStatusCode.OK, won.StatusCode);
        Assert.Equal((pipelines[1].Id, 142L), (afterWon.PipelineId, afterWon.StatusId));
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal((pipelines[2].Id, pipelines[2].Statuses[1]), (afterMove.PipelineId, afterMove.StatusId));
        Assert.Null(afterMove.ClosedAt);
        Assert.Equal(HttpStatusCode.BadRequest, wrongPipeline.StatusCode);
    }

    [Fact]
    public async Task Seeding_is_not_a_users_action_it_sends_no_webhooks_and_counts_nothing_in_the_stats()
    {
        var account = SandboxFixture.NewAccount();
        using var control = fixture.RootClient();
        using var client = fixture.Client(account);
        var destination = Receiver.Destination("ok");
        using var subscribed = await client.PostJsonAsync(
            "api/v4/webhooks", $$"""{"destination":"{{destination}}","settings":["add_contact","add_lead","delete_contact"]}""");
        subscribed.EnsureSuccessStatusCode();

        await SeedAsync(control, account, Messy);
        var stats = fixture.Sandbox.GetStats(account);
        var marker = (await client.CreateContactsAsync("""[{"name":"Маркер"}]"""))[0];

        var delivery = Assert.Single(await Receiver.WaitForAsync(destination));
        Assert.Equal(marker.Text(), delivery.Form["contacts[add][0][id]"]);
        await Eventually.MatchAsync(() => fixture.Sandbox.GetDeliveriesUnderway(account), underway => underway == 0, "deliveries to end");
        Assert.Single(fixture.Sandbox.GetDeliveries(account));
        Assert.Equal((0L, 0L, 0L), (stats.ContactsCreated, stats.LeadsCreated, stats.ContactsDeleted));
    }

    [Fact]
    public async Task Bad_seed_values_answer_400_naming_every_bad_field_and_change_nothing()
    {
        var account = SandboxFixture.NewAccount();
        using var control = fixture.RootClient();
        var existing = fixture.Sandbox.CreateContactAsUser(account, "Анна", ["+79031234567"]);
        var statsBefore = fixture.Sandbox.GetStats(account);

        using var response = await control.PostJsonAsync(
            $"_sandbox/accounts/{account}/seed",
            """{"contacts":-1,"leads":-5,"duplicatePhones":-1,"deleted":-1,"pipelines":0,"seed":"x","duplicate_phones":3}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            ["contacts", "deleted", "duplicatePhones", "duplicate_phones", "leads", "pipelines", "seed"],
            ErrorFields(await response.ReadJsonAsync()));
        Assert.Equal([existing], fixture.Sandbox.GetContacts(account));
        Assert.Empty(fixture.Sandbox.GetDeletedContacts(account));
        Assert.Empty(fixture.Sandbox.GetLeads(account));
        Assert.Equal(statsBefore, fixture.Sandbox.GetStats(account));
    }

    [Theory]
    [InlineData("""{"contacts":1000001}""", "contacts")]
    [InlineData("""{"leads":5}""", "contacts")]
    [InlineData("""{"contacts":1.5}""", "contacts")]
    [InlineData("""{"contacts":10,"leads":1000001}""", "leads")]
    [InlineData("""{"contacts":10,"duplicatePhones":4}""", "duplicatePhones")]
    [InlineData("""{"contacts":10,"duplicatePhones":3,"deleted":2}""", "deleted")]
    [InlineData("""{"contacts":10,"deleted":11}""", "deleted")]
    [InlineData("""{"contacts":5,"deleted":5,"leads":1}""", "leads")]
    [InlineData("""{"contacts":10,"pipelines":51}""", "pipelines")]
    [InlineData("""[{"contacts":10}]""", "body")]
    [InlineData("""{"contacts":""", "body")]
    public async Task A_seed_value_out_of_range_answers_400_naming_its_field_and_makes_nothing(string body, string field)
    {
        var account = SandboxFixture.NewAccount();
        using var control = fixture.RootClient();
        using var client = fixture.Client(account);

        using var response = await control.PostJsonAsync($"_sandbox/accounts/{account}/seed", body);
        using var pipelines = await client.GetAsync("api/v4/leads/pipelines");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal([field], ErrorFields(await response.ReadJsonAsync()));
        Assert.Empty(fixture.Sandbox.GetContacts(account));
        Assert.Empty(fixture.Sandbox.GetLeads(account));
        Assert.Equal(1, (await pipelines.ReadJsonAsync()).GetProperty("_total_items").GetInt32());
    }

    private static async Task<JsonElement> SeedAsync(HttpClient control, string account, string body)
    {
        using var response = await control.PostJsonAsync($"_sandbox/accounts/{account}/seed", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>Every contact id the normal amoCRM list gives, page by page along <c>_links.next</c>.</summary>
    private static async Task<List<long>> ListAllContactIdsAsync(HttpClient client)
    {
        var ids = new List<long>();
        var next = new Uri(client.BaseAddress!, "api/v4/contacts?limit=250");
        while (true)
        {
            using var response = await client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.ReadJsonAsync();
            ids.AddRange(page.GetProperty("_embedded").GetProperty("contacts").EnumerateArray().Select(contact => contact.GetProperty("id").GetInt64()));
            if (!page.GetProperty("_links").TryGetProperty("next", out var link))
            {
                return ids;
            }

            next = new Uri(link.GetProperty("href").GetString()!);
        }
    }

    private static List<long> Ids(JsonElement array) => array.EnumerateArray().Select(id => id.GetInt64()).ToList();

    private static List<string> ErrorFields(JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().Select(error => error.Name).Order(StringComparer.Ordinal).ToList();

    /// <summary>The ten digits after the country prefix, however the number is spelled, without its extension.</summary>
    private static string NationalNumber(string phone)
    {
        var extension = ExtensionMark().Match(phone);
        var digits = string.Concat(phone[..(extension.Success ? extension.Index : phone.Length)].Where(char.IsAsciiDigit));
        return digits.Length > 10 ? digits[^10..] : digits;
    }

    [GeneratedRegex(@"^[a-z]+\.[a-z]+@[a-z]+\.[a-z]+$")]
    private static partial Regex LatinAddress();

    [GeneratedRegex("доб|ext")]
    private static partial Regex ExtensionMark();

    [GeneratedRegex(@"^8 \d{3} \d{3}-\d{2}-\d{2}$")]
    private static partial Regex EightSpaced();

    [GeneratedRegex(@"^\+7 \(\d{3}\) \d{3}-\d{2}-\d{2}$")]
    private static partial Regex PlusSevenBrackets();

    [GeneratedRegex(@"^7\d{10}$")]
    private static partial Regex SevenDigitsOnly();

    [GeneratedRegex(@"^8-\d{3}-\d{3}-\d{2}-\d{2}$")]
    private static partial Regex EightDashed();

    [GeneratedRegex(@"^\+7 \d{3} \d{7}$")]
    private static partial Regex PlusSevenSubscriberTogether();
}
