using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Sandbox.Faults;
using AmoHub.Sandbox;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using AmoHub.Tests.Monitoring;

namespace AmoHub.Tests.Crm;

/// <summary>
/// A web form's lead in one call: its contact, budget, tags, custom fields by code or id, UTM tags into amoCRM's
/// tracking fields, and a note; checked against the account's fields, every bad part named.
/// </summary>
public sealed class WebFormTests
{
    private const string Account = "sandbox";

    // The sandbox's lead fields (the same in every account): «Бюджет клиента» (numeric), «Продукт» (select),
    // «Каналы связи» (multiselect), «Согласие на рассылку» (checkbox).
    private const long Budget = 70_115;
    private const long Channels = 70_119;

    // A contact field: «Источник» (select).
    private const long ContactSource = 70_009;

    private static readonly string[] EmergencyTags = ["авария"];

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_form_lead_reaches_amoCRM_with_its_contact_fields_tags_UTM_and_note_once(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);
        var form = new
        {
            name = "Заявка с сайта: монтаж",
            price = 150000,
            tags = new[] { "сайт", "Монтаж", "сайт" },
            customFields = new object[]
            {
                new { id = Budget, value = 200000 },
                new { code = "UTM_CONTENT", value = "banner-2" },
                new { id = Channels, values = new[] { "Телефон", "telegram" } },
            },
            // A form sends the UTM tags it has, the others empty.
            utm = new { utm_source = "yandex", utm_medium = "cpc", utm_campaign = "winter", utm_term = "" },
            note = "Перезвонить после 18:00.\nИнтересует монтаж под ключ.",
            contact = new { name = "Ирина", phone = "8 (903) 700-10-01" },
        };

        using var created = await hub.Http.PostAsJsonAsync("/api/leads", form);
        using var again = await hub.Http.PostAsJsonAsync("/api/leads", form);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var amoCrm = hub.Sandbox.Sandbox;
        var lead = Assert.Single(amoCrm.GetLeads(Account));
        var contact = Assert.Single(amoCrm.GetContacts(Account));
        Assert.Equal("Ирина", contact.Name);
        Assert.Equal(contact.Id, Assert.Single(lead.Contacts).Id);
        Assert.Equal(150000, lead.Price);
        Assert.Equal(["сайт", "Монтаж"], lead.Tags.Select(tag => tag.Name));
        var values = lead.CustomFields.ToDictionary(field => field.FieldCode ?? field.FieldId.ToString(System.Globalization.CultureInfo.InvariantCulture), field => field.Values.Select(v => v.Value).ToList());
        Assert.Equal(["yandex"], values["UTM_SOURCE"]);
        Assert.Equal(["cpc"], values["UTM_MEDIUM"]);
        Assert.Equal(["winter"], values["UTM_CAMPAIGN"]);
        Assert.Equal(["banner-2"], values["UTM_CONTENT"]);
        Assert.False(values.ContainsKey("UTM_TERM"));
        Assert.Equal(["200000"], values[Budget.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.Equal(["Телефон", "Telegram"], values[Channels.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var note = Assert.Single(amoCrm.GetNotes(Account, lead.Id, SandboxEntityType.Leads));
        Assert.Equal("Перезвонить после 18:00.\nИнтересует монтаж под ключ.", note.Text);

        // A new lead of a new contact is made with it in one complex add; the next lead of that contact links it.
        Assert.Equal(1, amoCrm.GetStats(Account).ComplexAdds);
        using var next = await hub.Http.PostAsJsonAsync("/api/leads", new { name = "Заявка с сайта: обслуживание", contact = new { phone = "+79037001001" } });
        Assert.Equal(HttpStatusCode.Created, next.StatusCode);
        Assert.Equal(1, amoCrm.GetStats(Account).ComplexAdds);
        Assert.Equal(contact.Id, Assert.Single(Assert.Single(amoCrm.GetLeads(Account), made => made.Name == "Заявка с сайта: обслуживание").Contacts).Id);
        Assert.Single(amoCrm.GetContacts(Account));
    }

    [Theory]
    [InlineData("customFields[1].code", """{"name":"Заявка","customFields":[{"code":"UTM_TERM","value":"x"},{"code":"NO_SUCH","value":"1"}]}""")]
    [InlineData("customFields[0].id", """{"name":"Заявка","customFields":[{"id":99999,"value":"1"}]}""")]
    [InlineData("customFields[0].value", """{"name":"Заявка","customFields":[{"id":70115,"value":"много"}]}""")]
    [InlineData("customFields[0].value", """{"name":"Заявка","customFields":[{"id":70117,"value":"Ремонт"}]}""")]
    [InlineData("customFields[0].values", """{"name":"Заявка","customFields":[{"id":70115,"values":[1,2]}]}""")]
    [InlineData("customFields[0].code", """{"name":"Заявка","customFields":[{"code":"UTM_TERM","id":70111,"value":"x"}]}""")]
    [InlineData("customFields[0].value", """{"name":"Заявка","customFields":[{"code":"UTM_TERM","value":{"a":1}}]}""")]
    [InlineData("tags[1]", """{"name":"Заявка","tags":["ok","  "]}""")]
    [InlineData("utm.utm_foo", """{"name":"Заявка","utm":{"utm_foo":"x"}}""")]
    [InlineData("utm.utm_term", """{"name":"Заявка","utm":{"utm_term":"x"},"customFields":[{"code":"UTM_TERM","value":"y"}]}""")]
    [InlineData("note", """{"name":"Заявка","note":"\u0007"}""")]
    [InlineData("price", """{"name":"Заявка","price":-5}""")]
    [InlineData("contact.phone", """{"name":"Заявка","contact":{"name":"Без телефона и почты"}}""")]
    [InlineData("contact.email", """{"name":"Заявка","contact":{"email":"not an email"}}""")]
    [InlineData("contact", """{"name":"Заявка","contactPhone":"+79037001002","contact":{"phone":"+79037001003"}}""")]
    public async Task Every_bad_part_of_a_form_is_a_400_naming_it_and_nothing_is_made_or_stored(string field, string body)
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);

        using var refused = await hub.Http.PostAsync("/api/leads", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await IncidentTests.AssertProblemAsync(refused, HttpStatusCode.BadRequest, field);
        Assert.Empty(hub.Sandbox.Sandbox.GetLeads(Account));
        Assert.Empty(hub.Sandbox.Sandbox.GetContacts(Account));
        Assert.Equal(0, await hub.Database.ScalarAsync("SELECT (SELECT COUNT(*) FROM crm_operations) + (SELECT COUNT(*) FROM leads) + (SELECT COUNT(*) FROM contacts)"));
    }

    [Fact]
    public async Task A_forms_contact_is_made_with_its_custom_fields_by_code_and_id_and_a_contact_request_takes_them_too()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);

        using var lead = await hub.Http.PostAsJsonAsync("/api/leads", new
        {
            name = "Заявка с полями контакта",
            contact = new
            {
                name = "Жанна",
                phone = "+7 903 700-10-09",
                customFields = new object[] { new { code = "city", value = "Казань" }, new { id = ContactSource, value = "Реклама" } },
            },
        });
        using var contact = await hub.Http.PostAsJsonAsync("/api/contacts", new
        {
            name = "Захар",
            email = "zakhar@example.ru",
            customFields = new object[] { new { code = "POSITION", value = "Снабженец" } },
        });

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (lead.StatusCode, contact.StatusCode));
        var made = hub.Sandbox.Sandbox.GetContacts(Account).ToDictionary(person => person.Name);
        Assert.Equal("Казань", Assert.Single(made["Жанна"].CustomFields, field => field.FieldCode == "CITY").Values.Single().Value);
        Assert.Equal("Реклама", Assert.Single(made["Жанна"].CustomFields, field => field.FieldId == ContactSource).Values.Single().Value);
        Assert.Equal("Снабженец", Assert.Single(made["Захар"].CustomFields, field => field.FieldCode == "POSITION").Values.Single().Value);
    }

    [Theory]
    [InlineData("/api/leads", "contact.customFields[0].code", """{"name":"Заявка","contact":{"phone":"+79037001010","customFields":[{"code":"PHONE","value":"+79037001011"}]}}""")]
    [InlineData("/api/leads", "contact.customFields[1].code", """{"name":"Заявка","contact":{"phone":"+79037001010","customFields":[{"code":"CITY","value":"Омск"},{"code":"NO_SUCH","value":"1"}]}}""")]
    [InlineData("/api/contacts", "customFields[0].value", """{"name":"Клиент","phone":"+79037001010","customFields":[{"id":70009,"value":"Телевизор"}]}""")]
    [InlineData("/api/contacts", "customFields[0].code", """{"name":"Клиент","phone":"+79037001010","customFields":[{"code":"email","value":"a@b.ru"}]}""")]
    public async Task A_bad_contact_custom_field_is_a_400_naming_it_and_nothing_is_made(string path, string field, string body)
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);

        using var refused = await hub.Http.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await IncidentTests.AssertProblemAsync(refused, HttpStatusCode.BadRequest, field);
        Assert.Empty(hub.Sandbox.Sandbox.GetContacts(Account));
        Assert.Empty(hub.Sandbox.Sandbox.GetLeads(Account));
    }

    [Fact]
    public async Task Forms_with_the_contacts_email_and_a_new_phone_find_the_contact_the_email_made()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);

        using var byEmail = await hub.Http.PostAsJsonAsync("/api/leads", new { name = "Заявка 1", contact = new { name = "Олег", email = "Oleg@Example.com " } });
        using var byBoth = await hub.Http.PostAsJsonAsync("/api/leads", new { name = "Заявка 2", contact = new { phone = "+7 903 700-10-03", email = "oleg@example.com" } });
        using var byPhone = await hub.Http.PostAsJsonAsync("/api/leads", new { name = "Заявка 3", contact = new { phone = "8 903 700-10-03", email = "OLEG@example.com" } });

        Assert.All(new[] { byEmail, byBoth, byPhone }, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
        var contact = Assert.Single(hub.Sandbox.Sandbox.GetContacts(Account));
        Assert.Equal("Олег", contact.Name);
        Assert.All(hub.Sandbox.Sandbox.GetLeads(Account), lead => Assert.Equal(contact.Id, Assert.Single(lead.Contacts).Id));
        Assert.Equal(3, hub.Sandbox.Sandbox.GetLeads(Account).Count);
    }

    [Fact]
    public async Task A_form_lead_accepted_while_amoCRM_is_down_arrives_whole_once_it_is_back()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);
        var amoCrm = hub.Sandbox.Sandbox;
        amoCrm.SetFault(Account, new SandboxFault(FailureRate: 1, FailureStatus: 503));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/leads")
        {
            Content = JsonContent.Create(new
            {
                name = "Заявка в аварию",
                tags = EmergencyTags,
                utm = new { utm_source = "google" },
                note = "Пришла, пока amoCRM лежал.",
                contact = new { phone = "+7 903 700-10-02" },
            }),
        };
        request.Headers.Add("Prefer", "respond-async");
        using var accepted = await hub.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        amoCrm.ClearFaults(Account);
        var done = await Eventually.MatchAsync(
            () => hub.Http.GetFromJsonAsync<JsonElement>(accepted.Headers.Location!),
            operation => operation.GetProperty("status").GetString() != "pending",
            TimeSpan.FromSeconds(120),
            "the form lead to be made once amoCRM is back");

        Assert.Equal("done", done.GetProperty("status").GetString());
        var lead = Assert.Single(amoCrm.GetLeads(Account));
        Assert.Equal(["авария"], lead.Tags.Select(tag => tag.Name));
        Assert.Equal("google", Assert.Single(lead.CustomFields, field => field.FieldCode == "UTM_SOURCE").Values[0].Value);
        Assert.Equal("Пришла, пока amoCRM лежал.", Assert.Single(amoCrm.GetNotes(Account, lead.Id, SandboxEntityType.Leads)).Text);
    }
}
