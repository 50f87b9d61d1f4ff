using System.Net;
using System.Text.Json;
using AmoHub.Sandbox.Contacts;
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
    public async Task A_complex_lead_from_a_web_form_makes_one_lead_and_one_contact_holding_its_tags_utm_values_email_and_fields()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        using var definitions = await client.GetAsync("api/v4/leads/custom_fields?limit=250");
        var comment = (await definitions.ReadJsonAsync()).GetProperty("_embedded").GetProperty("custom_fields").EnumerateArray()
            .Single(field => field.GetProperty("name").GetString() == "Комментарий с сайта").GetProperty("id").GetInt64();

        using var response = await client.PostJsonAsync("api/v4/leads/complex", $$$"""
            [{"name":"Заявка с сайта","pipeline_id":1000001,"status_id":1000012,"request_id":"form-42",
              "custom_fields_values":[
                {"field_code":"UTM_SOURCE","values":[{"value":"yandex"}]},
                {"field_code":"UTM_MEDIUM","values":[{"value":"cpc"}]},
                {"field_code":"UTM_CAMPAIGN","values":[{"value":"spring"}]},
                {"field_code":"UTM_CONTENT","values":[{"value":"banner-2"}]},
                {"field_code":"UTM_TERM","values":[{"value":"окна пвх"}]},
                {"field_id":{{{comment}}},"values":[{"value":"Перезвоните после обеда"}]}],
              "_embedded":{
                "tags":[{"name":"Сайт"},{"name":"Весна"}],
                "contacts":[{"first_name":"Вера","last_name":"Соколова",
                  "custom_fields_values":[
                    {"field_code":"PHONE","values":[{"value":"+7 916 555-44-33","enum_code":"MOB"}]},
                    {"field_code":"EMAIL","values":[{"value":"vera@example.ru","enum_code":"WORK"}]},
                    {"field_code":"CITY","values":[{"value":"Тверь"}]}],
                  "_embedded":{"tags":[{"name":"Сайт"}]}}]}}]
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = Assert.Single((await response.ReadJsonAsync()).EnumerateArray());
        Assert.Equal(["form-42"], result.GetProperty("request_id").EnumerateArray().Select(id => id.GetString()));
        Assert.Equal(JsonValueKind.Null, result.GetProperty("company_id").ValueKind);
        Assert.False(result.GetProperty("merged").GetBoolean());
        var lead = Assert.Single(fixture.Sandbox.GetLeads(account));
        var contact = Assert.Single(fixture.Sandbox.GetContacts(account));
        Assert.Equal((lead.Id, contact.Id), (result.GetProperty("id").GetInt64(), result.GetProperty("contact_id").GetInt64()));
        Assert.Equal([new SandboxLeadContact(contact.Id, true)], lead.Contacts);
        Assert.Equal((1_000_001, 1_000_012), (lead.PipelineId, lead.StatusId));
        Assert.Equal(["Сайт", "Весна"], lead.Tags.Select(tag => tag.Name));
        Assert.Equal(
            [("UTM_SOURCE", "yandex"), ("UTM_MEDIUM", "cpc"), ("UTM_CAMPAIGN", "spring"), ("UTM_CONTENT", "banner-2"), ("UTM_TERM", "окна пвх"), (null, "Перезвоните после обеда")],
            lead.CustomFields.Select(field => (field.FieldCode, field.Values[0].Value)));
        Assert.All(lead.CustomFields.Take(5), field => Assert.Equal("tracking_data", field.FieldType));
        Assert.Equal("Вера Соколова", contact.Name);
        Assert.Equal(["+7 916 555-44-33"], contact.Phones.Select(phone => phone.Value));
        Assert.Equal([new SandboxFieldValue("vera@example.ru", "WORK")], contact.Emails);
        Assert.Equal([("CITY", "Тверь")], contact.CustomFields.Select(field => (field.FieldCode, field.Values[0].Value)));
        Assert.Equal(["Сайт"], contact.Tags.Select(tag => tag.Name));
        Assert.Equal(contact.Tags, fixture.Sandbox.GetTags(account, SandboxEntityType.Contacts));
        Assert.Empty(fixture.Sandbox.GetNotes(account, lead.Id));
        using var found = await client.GetAsync("api/v4/contacts?query=VERA%40example.ru");
        Assert.Equal(contact.Id, (await found.ReadJsonAsync()).GetProperty("_embedded").GetProperty("contacts")[0].GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task More_than_50_leads_in_one_complex_create_answer_400_and_create_nothing()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);

        using var response = await client.PostJsonAsync(
            "api/v4/leads/complex", $"[{string.Join(',', Enumerable.Repeat("""{"name":"x","_embedded":{"contacts":[{"name":"y"}]}}""", 51))}]");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(fixture.Sandbox.GetLeads(account));
        Assert.Empty(fixture.Sandbox.GetContacts(account));
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
