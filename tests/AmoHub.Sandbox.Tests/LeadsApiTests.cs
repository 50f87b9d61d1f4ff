using System.Net;
using AmoHub.Sandbox.Leads;
using AmoHub.Sandbox.Seeding;
using AmoHub.Sandbox.Tests.Infrastructure;

namespace AmoHub.Sandbox.Tests;

public sealed class LeadsApiTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task A_lead_links_existing_contacts_and_embeds_them_only_when_asked_with_contacts()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var contacts = await client.CreateContactsAsync("""[{"name":"Анна"},{"name":"Борис"}]""");

        using var created = await client.PostJsonAsync("api/v4/leads", $$$"""
            [{"name":"Заказ 42","price":1500,"_embedded":{"contacts":[{"id":{{{contacts[0]}}}},{"id":{{{contacts[1]}}},"is_main":true}]}}]
            """);
        var leadId = (await created.ReadJsonAsync()).GetProperty("_embedded").GetProperty("leads")[0].GetProperty("id").GetInt64();
        using var plain = await client.GetAsync("api/v4/leads?query=заказ");
        using var withContacts = await client.GetAsync($"api/v4/leads/{leadId}?with=contacts");

        var lead = (await plain.ReadJsonAsync()).GetProperty("_embedded").GetProperty("leads")[0];
        Assert.Equal("Заказ 42", lead.GetProperty("name").GetString());
        Assert.Equal(1500, lead.GetProperty("price").GetInt64());
        Assert.Equal(1_000_001, lead.GetProperty("pipeline_id").GetInt64());
        Assert.Equal(1_000_011, lead.GetProperty("status_id").GetInt64());
        Assert.Equal(0, lead.GetProperty("_embedded").GetProperty("tags").GetArrayLength());
        Assert.False(lead.GetProperty("_embedded").TryGetProperty("contacts", out _));
        var linked = (await withContacts.ReadJsonAsync()).GetProperty("_embedded").GetProperty("contacts").EnumerateArray()
            .Select(contact => (contact.GetProperty("id").GetInt64(), contact.GetProperty("is_main").GetBoolean()));
        Assert.Equal([(contacts[0], false), (contacts[1], true)], linked);
    }

    [Fact]
    public async Task A_lead_linked_to_an_unknown_contact_answers_400_and_creates_nothing()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);

        using var response = await client.PostJsonAsync("api/v4/leads", """[{"name":"Сирота","_embedded":{"contacts":[{"id":1}]}}]""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.ReadJsonAsync()).GetProperty("validation-errors")[0].GetProperty("errors")[0];
        Assert.Equal("_embedded.contacts.0.id", error.GetProperty("path").GetString());
        Assert.Empty(fixture.Sandbox.GetLeads(account));
    }

    [Fact]
    public async Task A_complex_lead_creates_its_new_contact_in_the_same_call()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);

        using var response = await client.PostJsonAsync("api/v4/leads/complex", """
            [{"name":"С сайта","request_id":"form-1","_embedded":{"contacts":[{"first_name":"Вера","custom_fields_values":[{"field_code":"PHONE","values":[{"value":"+79035550000"}]}]}]}}]
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = Assert.Single((await response.ReadJsonAsync()).EnumerateArray());
        var lead = fixture.Sandbox.GetLead(account, result.GetProperty("id").GetInt64())!;
        var contact = fixture.Sandbox.GetContact(account, result.GetProperty("contact_id").GetInt64())!;
        Assert.Equal("form-1", result.GetProperty("request_id")[0].GetString());
        Assert.False(result.GetProperty("merged").GetBoolean());
        Assert.Equal([new SandboxLeadContact(contact.Id, true)], lead.Contacts);
        Assert.Equal("Вера", contact.Name);
        Assert.Equal("+79035550000", Assert.Single(contact.Phones).Value);
    }

    [Fact]
    public async Task Moving_a_lead_to_won_sets_closed_at_and_an_unknown_status_is_refused()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var lead = fixture.Sandbox.CreateLeadAsUser(account, "Сделка");

        using var won = await client.PatchJsonAsync($"api/v4/leads/{lead.Id}", """{"status_id":142}""");
        using var unknown = await client.PatchJsonAsync("api/v4/leads", $$"""[{"id":{{lead.Id}},"status_id":999}]""");

        Assert.Equal(HttpStatusCode.OK, won.StatusCode);
        Assert.NotNull(fixture.Sandbox.GetLead(account, lead.Id)!.ClosedAt);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(142, fixture.Sandbox.GetLead(account, lead.Id)!.StatusId);
    }

    [Fact]
    public async Task Every_pipeline_has_open_statuses_of_its_own_and_won_and_lost_in_each()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        fixture.Sandbox.Seed(account, new SandboxSeed(Contacts: 1, Pipelines: 3));

        using var response = await client.GetAsync("api/v4/leads/pipelines");

        var pipelines = (await response.ReadJsonAsync()).GetProperty("_embedded").GetProperty("pipelines").EnumerateArray().ToList();
        Assert.Equal(3, pipelines.Count);
        var open = new List<long>();
        foreach (var pipeline in pipelines)
        {
            var statuses = pipeline.GetProperty("_embedded").GetProperty("statuses").EnumerateArray().ToList();
            Assert.All(statuses, status => Assert.Equal(pipeline.GetProperty("id").GetInt64(), status.GetProperty("pipeline_id").GetInt64()));
            var ids = statuses.Select(status => status.GetProperty("id").GetInt64()).ToList();
            Assert.Contains(142, ids);
            Assert.Contains(143, ids);
            open.AddRange(ids.Where(id => id is not (142 or 143)));
        }

        Assert.Equal(9, open.Distinct().Count());
    }

    [Fact]
    public async Task The_pipeline_lists_its_fixed_statuses()
    {
        using var client = fixture.Client(SandboxFixture.NewAccount());

        using var response = await client.GetAsync("api/v4/leads/pipelines");

        var pipeline = (await response.ReadJsonAsync()).GetProperty("_embedded").GetProperty("pipelines")[0];
        Assert.Equal(
            [1_000_011, 1_000_012, 1_000_013, 142, 143],
            pipeline.GetProperty("_embedded").GetProperty("statuses").EnumerateArray().Select(status => status.GetProperty("id").GetInt64()));
    }
}
