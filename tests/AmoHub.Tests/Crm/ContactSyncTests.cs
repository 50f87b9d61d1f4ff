using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Sandbox.Seeding;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Crm;

public sealed class ContactSyncTests
{
    private const string Account = "sandbox";

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task The_same_phone_in_five_spellings_makes_one_amoCRM_contact(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);
        string[] spellings = ["89031234567", "+7 903 123-45-67", "8 (903) 123-45-67", "+7(903)1234567", "7-903-123-45-67"];

        var answers = new List<(HttpStatusCode Status, JsonElement Body)>();
        foreach (var spelling in spellings)
        {
            using var response = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = "Иван Петров", phone = spelling });
            answers.Add((response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>()));
        }

        Assert.Equal(HttpStatusCode.Created, answers[0].Status);
        Assert.True(answers[0].Body.GetProperty("created").GetBoolean());
        Assert.All(answers.Skip(1), answer => Assert.Equal(HttpStatusCode.OK, answer.Status));
        Assert.All(answers.Skip(1), answer => Assert.False(answer.Body.GetProperty("created").GetBoolean()));
        Assert.Single(answers.Select(answer => answer.Body.GetProperty("amocrmId").GetInt64()).Distinct());
        var inAmoCrm = Assert.Single(hub.Sandbox.Sandbox.GetContacts(Account));
        Assert.Equal("+79031234567", answers[0].Body.GetProperty("phone").GetString());
        Assert.Equal(inAmoCrm.Id, answers[0].Body.GetProperty("amocrmId").GetInt64());
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Fifty_concurrent_creates_of_one_phone_make_one_amoCRM_contact(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            using var response = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = $"Клиент {i}", phone = "+7 916 555-00-11" });
            return (response.StatusCode, Body: await response.Content.ReadFromJsonAsync<JsonElement>());
        }));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(49, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Single(responses.Select(r => r.Body.GetProperty("amocrmId").GetInt64()).Distinct());
        Assert.Single(hub.Sandbox.Sandbox.GetContacts(Account));
    }

    [Fact]
    public async Task The_sync_follows_next_links_past_pages_shorter_than_asked_for()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);
        var seeded = hub.Sandbox.Sandbox.Seed(Account, new SandboxSeed(Contacts: 20, Seed: 3));
        hub.Sandbox.Sandbox.SetPageCap(Account, 3);

        var statuses = new List<HttpStatusCode>();
        foreach (var contact in seeded.Sample.Contacts)
        {
            using var response = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = contact.Name, phone = contact.Phone });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(20, seeded.Sample.Contacts.Count);
        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(20, hub.Sandbox.Sandbox.GetContacts(Account).Count);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_phone_several_contacts_hold_answers_the_oldest_every_time_and_is_listed(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);
        var seeded = hub.Sandbox.Sandbox.Seed(Account, new SandboxSeed(Contacts: 30, DuplicatePhones: 3, Seed: 11));
        var shared = seeded.Sample.DuplicatePhones.ToDictionary(phone => Digits(phone.Phone), phone => phone.ContactIds);

        var answered = new List<(string Digits, HttpStatusCode Status, long Id)>();
        foreach (var phone in seeded.Sample.DuplicatePhones.Concat(seeded.Sample.DuplicatePhones))
        {
            using var response = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = "Кто-то", phone = phone.Phone });
            answered.Add((Digits(phone.Phone), response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("amocrmId").GetInt64()));
        }

        var listed = await hub.Http.GetFromJsonAsync<JsonElement>("/api/amocrm/duplicates?pageSize=2");
        var second = await hub.Http.GetFromJsonAsync<JsonElement>("/api/amocrm/duplicates?page=2&pageSize=2");

        Assert.Equal(3, shared.Count);
        Assert.All(answered, answer => Assert.Equal((HttpStatusCode.OK, shared[answer.Digits].Min()), (answer.Status, answer.Id)));
        Assert.Equal(3, listed.GetProperty("total").GetInt64());
        var items = listed.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).ToList();
        Assert.Equal(shared.Keys.Order(StringComparer.Ordinal), items.Select(item => Digits(item.GetProperty("phone").GetString()!)).Order(StringComparer.Ordinal));
        Assert.All(items, item => Assert.Equal(
            shared[Digits(item.GetProperty("phone").GetString()!)],
            item.GetProperty("contactIds").EnumerateArray().Select(id => id.GetInt64())));
        Assert.Equal(30, hub.Sandbox.Sandbox.GetContacts(Account).Count);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_contact_already_in_amoCRM_is_found_not_created(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);
        var existing = hub.Sandbox.Sandbox.CreateContactAsUser(Account, "Уже в amoCRM", ["8-903-777-66-55"]);

        using var response = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = "Другое имя", phone = "+79037776655" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(existing.Id, body.GetProperty("amocrmId").GetInt64());
        Assert.Equal("Уже в amoCRM", body.GetProperty("name").GetString());
        Assert.Single(hub.Sandbox.Sandbox.GetContacts(Account));
    }

    [Theory]
    [InlineData("{\"name\": \"\", \"phone\": \"+79031234567\"}", "name")]
    [InlineData("{\"name\": \"Иван\", \"phone\": \"12\"}", "phone")]
    [InlineData("{\"name\": \"Иван\"}", "phone")]
    public async Task Bad_input_gets_a_problem_naming_the_field_and_creates_nothing(string body, string field)
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);

        using var response = await hub.Http.PostAsync("/api/contacts", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
        Assert.Empty(hub.Sandbox.Sandbox.GetContacts(Account));
        Assert.Equal(0, await hub.Database.ScalarAsync("SELECT COUNT(*) FROM contacts"));
    }

    [Fact]
    public async Task A_name_longer_than_255_characters_is_refused()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);

        using var response = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = new string('я', 256), phone = "+79031234567" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
    }

    private static string Digits(string phone) => string.Concat(phone.Where(char.IsAsciiDigit));
}
