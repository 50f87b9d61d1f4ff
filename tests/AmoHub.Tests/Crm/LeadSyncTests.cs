using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Crm;

public sealed class LeadSyncTests
{
    private const string Account = "sandbox";

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_lead_name_spelled_differently_makes_one_amoCRM_lead_linked_to_its_contact(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);

        using var first = await hub.Http.PostAsJsonAsync("/api/leads", new { name = "Заказ  №17 ", contactPhone = "8 903 400-00-17", contactName = "Ольга" });
        using var second = await hub.Http.PostAsJsonAsync("/api/leads", new { name = "заказ №17" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var lead = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(lead.GetProperty("amocrmId").GetInt64(), (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("amocrmId").GetInt64());
        var inAmoCrm = Assert.Single(hub.Sandbox.Sandbox.GetLeads(Account));
        var contact = Assert.Single(hub.Sandbox.Sandbox.GetContacts(Account));
        Assert.Equal("Ольга", contact.Name);
        Assert.Equal(contact.Id, Assert.Single(inAmoCrm.Contacts).Id);
        Assert.Equal(contact.Id, lead.GetProperty("contactId").GetInt64());
        Assert.Equal(inAmoCrm.StatusId, lead.GetProperty("statusId").GetInt64());
        Assert.Equal(1, await hub.Database.ScalarAsync($"SELECT COUNT(*) FROM leads WHERE account = '{Account}' AND contact_id IS NOT NULL"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Twenty_concurrent_creates_of_one_lead_name_make_one_amoCRM_lead(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);

        var statuses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            using var response = await hub.Http.PostAsJsonAsync("/api/leads", new { name = i % 2 == 0 ? "Монтаж окон" : "МОНТАЖ  окон" });
            return response.StatusCode;
        }));

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(19, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Single(hub.Sandbox.Sandbox.GetLeads(Account));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Names_equal_only_under_a_database_collation_stay_two_leads_and_repeats_find_them(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);
        string[] names = ["Кафе Cafe", "Кафе Café", "Straße 1", "Strasse 1"];

        var statuses = new List<(string Name, HttpStatusCode Status)>();
        for (var round = 0; round < 3; round++)
        {
            foreach (var name in names)
            {
                using var response = await hub.Http.PostAsJsonAsync("/api/leads", new { name });
                statuses.Add((name, response.StatusCode));
            }
        }

        Assert.All(names, name => Assert.Equal(
            [HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK],
            statuses.Where(s => s.Name == name).Select(s => s.Status)));
        Assert.Equal(names.Length, hub.Sandbox.Sandbox.GetLeads(Account).Count);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Names_that_differ_by_yo_invisible_characters_or_compatibility_forms_are_one_lead(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);
        string[] spellings = ["Алёна: кухня", "Алена: кухня", "Але\u00ADна:\u200B кухня", "\uFEFFАлена： кухня"];

        var statuses = new List<HttpStatusCode>();
        foreach (var name in spellings)
        {
            using var response = await hub.Http.PostAsJsonAsync("/api/leads", new { name });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], statuses);
        Assert.Single(hub.Sandbox.Sandbox.GetLeads(Account));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Two_extensions_of_one_office_number_are_two_contacts(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);
        string[] phones = ["+7 495 700-00-01 доб. 101", "+7 495 700-00-01 доб. 102", "8 (495) 700-00-01 ext. 101"];

        var statuses = new List<HttpStatusCode>();
        foreach (var phone in phones)
        {
            using var response = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = "Офис", phone });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.OK], statuses);
        Assert.Equal(2, hub.Sandbox.Sandbox.GetContacts(Account).Count);
    }

    [Fact]
    public async Task A_lead_for_a_contact_id_nobody_has_is_refused_naming_contactId()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);

        using var response = await hub.Http.PostAsJsonAsync("/api/leads", new { name = "Сделка", contactId = 99999999 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("contactId", out _));
        Assert.Empty(hub.Sandbox.Sandbox.GetLeads(Account));
    }

    [Fact]
    public async Task Contacts_and_leads_are_listed_and_searched_page_by_page()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);
        for (var i = 0; i < 3; i++)
        {
            using var created = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = $"Сергей {i}", phone = $"+7 903 500-00-0{i}" });
            created.EnsureSuccessStatusCode();
        }

        var byName = await hub.Http.GetFromJsonAsync<JsonElement>("/api/contacts?name=сергей&pageSize=2");
        var byPhone = await hub.Http.GetFromJsonAsync<JsonElement>("/api/contacts?phone=89035000001");
        using var badPage = await hub.Http.GetAsync("/api/contacts?pageSize=1000");

        Assert.Equal(3, byName.GetProperty("total").GetInt64());
        Assert.Equal(2, byName.GetProperty("items").GetArrayLength());
        var found = Assert.Single(byPhone.GetProperty("items").EnumerateArray());
        Assert.Equal("Сергей 1", found.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badPage.StatusCode);
        var one = await hub.Http.GetFromJsonAsync<JsonElement>($"/api/contacts/{found.GetProperty("amocrmId").GetInt64()}");
        Assert.Equal("+79035000001", one.GetProperty("phone").GetString());
    }
}
