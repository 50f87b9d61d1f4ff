using System.Net;
using System.Text.Json;
using AmoHub.Sandbox.Contacts;
using AmoHub.Sandbox.Tests.Infrastructure;

namespace AmoHub.Sandbox.Tests;

/// <summary>The custom fields of contacts and leads: their definitions, and the values writes give them.</summary>
public sealed class CustomFieldTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Contact_fields_are_listed_in_pages_that_link_to_the_next_while_more_follow()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);

        var pages = await ReadPagesAsync(client, "api/v4/contacts/custom_fields?limit=3");

        Assert.True(pages.Count > 1);
        Assert.All(pages, page => Assert.Equal(pages[0].GetProperty("_total_items").GetInt32(), page.GetProperty("_total_items").GetInt32()));
        Assert.Equal(pages.Count, pages[0].GetProperty("_page_count").GetInt32());
        Assert.Equal(Enumerable.Range(1, pages.Count), pages.Select(page => page.GetProperty("_page").GetInt32()));
        var fields = pages.SelectMany(Fields).ToList();
        Assert.Equal(pages[0].GetProperty("_total_items").GetInt32(), fields.Count);
        Assert.Equal(fields.Count, fields.Select(field => field.GetProperty("id").GetInt64()).Distinct().Count());
        Assert.All(fields, field =>
        {
            Assert.Equal("contacts", field.GetProperty("entity_type").GetString());
            Assert.Equal(fixture.Sandbox.GetAccount(account).Id, field.GetProperty("account_id").GetInt64());
            Assert.False(field.GetProperty("is_api_only").GetBoolean());
            Assert.EndsWith(
                $"/api/v4/contacts/custom_fields/{field.GetProperty("id").GetInt64()}",
                field.GetProperty("_links").GetProperty("self").GetProperty("href").GetString(),
                StringComparison.Ordinal);
        });
        var phone = fields.Single(field => field.GetProperty("code").GetString() == "PHONE");
        Assert.Equal("multitext", phone.GetProperty("type").GetString());
        Assert.Equal(["WORK", "WORKDD", "MOB", "FAX", "HOME", "OTHER"], EnumValues(phone));
        var email = fields.Single(field => field.GetProperty("code").GetString() == "EMAIL");
        Assert.Equal(["WORK", "PRIV", "OTHER"], EnumValues(email));
        Assert.Equal("text", fields.Single(field => field.GetProperty("code").GetString() == "POSITION").GetProperty("type").GetString());
        var city = fields.Single(field => field.GetProperty("code").GetString() == "CITY");
        Assert.Equal(("Город", "text", JsonValueKind.Null), (city.GetProperty("name").GetString(), city.GetProperty("type").GetString(), city.GetProperty("enums").ValueKind));
        Assert.Contains(fields, field => field.GetProperty("type").GetString() == "select" && EnumValues(field).Count > 1);
        Assert.Contains(fields, field => field.GetProperty("type").GetString() == "date");
    }

    [Fact]
    public async Task Lead_fields_include_the_contract_field_the_five_utm_tracking_fields_and_one_account_field_of_each_type()
    {
        using var client = fixture.Client(SandboxFixture.NewAccount());

        var pages = await ReadPagesAsync(client, "api/v4/leads/custom_fields?limit=250");
        using var pipelines = await client.GetAsync("api/v4/leads/pipelines");

        var fields = Assert.Single(pages).GetProperty("_embedded").GetProperty("custom_fields").EnumerateArray().ToList();
        var tracking = fields.Where(field => field.GetProperty("type").GetString() == "tracking_data").ToList();
        Assert.Equal(
            ["UTM_SOURCE", "UTM_MEDIUM", "UTM_CAMPAIGN", "UTM_CONTENT", "UTM_TERM"],
            tracking.Select(field => field.GetProperty("code").GetString()));
        Assert.Equal(["utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term"], tracking.Select(field => field.GetProperty("name").GetString()));
        Assert.Single(fields, field => field.GetProperty("required_statuses").GetArrayLength() > 0);
        Assert.Subset(
            fields.Select(field => field.GetProperty("type").GetString()).ToHashSet(),
            new HashSet<string?> { "text", "numeric", "select", "multiselect", "checkbox", "textarea", "tracking_data" });
        Assert.All(
            fields.Where(field => field.GetProperty("type").GetString() is "select" or "multiselect"),
            field => Assert.All(field.GetProperty("enums").EnumerateArray(), choice =>
            {
                Assert.True(choice.GetProperty("id").GetInt64() > 0);
                Assert.True(choice.GetProperty("sort").GetInt32() > 0);
            }));
        var pipelineIds = (await pipelines.ReadJsonAsync()).GetProperty("_embedded").GetProperty("pipelines").EnumerateArray()
            .SelectMany(pipeline => pipeline.GetProperty("_embedded").GetProperty("statuses").EnumerateArray().Select(status => status.GetProperty("id").GetInt64())
                .Append(pipeline.GetProperty("id").GetInt64()))
            .ToHashSet();
        Assert.DoesNotContain(fields, field => pipelineIds.Contains(field.GetProperty("id").GetInt64()));
    }

    [Fact]
    public async Task A_field_page_past_the_last_answers_204()
    {
        using var client = fixture.Client(SandboxFixture.NewAccount());

        using var response = await client.GetAsync("api/v4/leads/custom_fields?page=2&limit=250");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Lead_values_of_every_type_are_stored_and_answered_as_amocrm_writes_them()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var fields = await DefinitionsAsync(client, "leads");

        using var created = await client.PostJsonAsync("api/v4/leads", $$"""
            [{"name":"Заявка с сайта","custom_fields_values":[
              {"field_code":"UTM_SOURCE","values":[{"value":"yandex"}]},
              {"field_code":"utm_campaign","values":[{"value":"весна-2025"}]},
              {"field_id":{{Id(fields, "Комментарий с сайта")}},"values":[{"value":"  Перезвоните после 18:00  "}]},
              {"field_id":{{Id(fields, "Бюджет клиента")}},"values":[{"value":150000.5}]},
              {"field_id":{{Id(fields, "Продукт")}},"values":[{"enum_id":{{EnumId(fields, "Продукт", "Монтаж")}}}]},
              {"field_id":{{Id(fields, "Каналы связи")}},"values":[{"value":"Telegram"},{"enum_id":{{EnumId(fields, "Каналы связи", "Email")}}}]},
              {"field_id":{{Id(fields, "Согласие на рассылку")}},"values":[{"value":true}]},
              {"field_id":{{Id(fields, "Пожелания клиента")}},"values":[{"value":"Строка 1\nСтрока 2"}]}
            ]}]
            """);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var id = (await created.ReadJsonAsync()).GetProperty("_embedded").GetProperty("leads")[0].GetProperty("id").GetInt64();
        using var read = await client.GetAsync($"api/v4/leads/{id}");

        var values = (await read.ReadJsonAsync()).GetProperty("custom_fields_values").EnumerateArray().ToDictionary(field => field.GetProperty("field_name").GetString()!);
        AssertEntry(values["utm_source"], "UTM_SOURCE", "tracking_data", "\"yandex\"");
        AssertEntry(values["utm_campaign"], "UTM_CAMPAIGN", "tracking_data", "\"весна-2025\"");
        AssertEntry(values["Комментарий с сайта"], null, "text", "\"Перезвоните после 18:00\"");
        AssertEntry(values["Бюджет клиента"], null, "numeric", "\"150000.5\"");
        AssertEntry(values["Продукт"], null, "select", "\"Монтаж\"");
        Assert.Equal(EnumId(fields, "Продукт", "Монтаж"), values["Продукт"].GetProperty("values")[0].GetProperty("enum_id").GetInt64());
        AssertEntry(values["Каналы связи"], null, "multiselect", "\"Telegram\"", "\"Email\"");
        Assert.Equal(
            [EnumId(fields, "Каналы связи", "Telegram"), EnumId(fields, "Каналы связи", "Email")],
            values["Каналы связи"].GetProperty("values").EnumerateArray().Select(value => value.GetProperty("enum_id").GetInt64()));
        AssertEntry(values["Согласие на рассылку"], null, "checkbox", "true");
        AssertEntry(values["Пожелания клиента"], null, "textarea", "\"Строка 1\\nСтрока 2\"");
        Assert.Equal(8, values.Count);
        var stored = fixture.Sandbox.GetLead(account, id)!.CustomFields.ToDictionary(field => field.FieldName);
        Assert.Equal(["150000.5"], stored["Бюджет клиента"].Values.Select(value => value.Value));
        Assert.Equal(["true"], stored["Согласие на рассылку"].Values.Select(value => value.Value));
        Assert.Equal(["Telegram", "Email"], stored["Каналы связи"].Values.Select(value => value.Value));
        Assert.Equal(("UTM_SOURCE", "tracking_data"), (stored["utm_source"].FieldCode, stored["utm_source"].FieldType));
    }

    [Fact]
    public async Task Contact_values_of_every_type_are_stored_and_answered_beside_phone_and_email()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var fields = await DefinitionsAsync(client, "contacts");

        var ids = await client.CreateContactsAsync($$"""
            [{"name":"Иван Петров","custom_fields_values":[
              {"field_code":"PHONE","values":[{"value":"+7 903 123-45-67","enum_code":"MOB"}]},
              {"field_code":"EMAIL","values":[{"value":"ivan@example.ru","enum_code":"PRIV"}]},
              {"field_code":"POSITION","values":[{"value":"Закупщик"}]},
              {"field_code":"CITY","values":[{"value":"Казань"}]},
              {"field_id":{{Id(fields, "Источник")}},"values":[{"value":"Реклама"}]},
              {"field_id":{{Id(fields, "Дата рождения")}},"values":[{"value":631152000}]},
              {"field_id":{{Id(fields, "Сайт компании")}},"values":[{"value":"https://example.ru/"}]}
            ]}]
            """);
        using var read = await client.GetAsync($"api/v4/contacts/{ids[0]}");

        var values = (await read.ReadJsonAsync()).GetProperty("custom_fields_values").EnumerateArray().ToList();
        Assert.Equal(
            ["PHONE", "EMAIL", "POSITION", "CITY", null, null, null],
            values.Select(field => field.GetProperty("field_code").GetString()));
        Assert.Equal(["PRIV"], values[1].GetProperty("values").EnumerateArray().Select(value => value.GetProperty("enum_code").GetString()));
        AssertEntry(values[4], null, "select", "\"Реклама\"");
        Assert.Equal(EnumId(fields, "Источник", "Реклама"), values[4].GetProperty("values")[0].GetProperty("enum_id").GetInt64());
        AssertEntry(values[5], null, "date", "631152000");
        AssertEntry(values[6], null, "url", "\"https://example.ru/\"");
        var contact = fixture.Sandbox.GetContact(account, ids[0])!;
        Assert.Equal([new SandboxFieldValue("ivan@example.ru", "PRIV")], contact.Emails);
        Assert.Equal(["+7 903 123-45-67"], contact.Phones.Select(phone => phone.Value));
        Assert.Equal(
            ["Должность", "Город", "Источник", "Дата рождения", "Сайт компании"],
            contact.CustomFields.Select(field => field.FieldName));
        Assert.Equal("631152000", contact.CustomFields[3].Values[0].Value);
    }

    [Theory]
    [InlineData("leads", "Бюджет клиента", """[{"value":"много"}]""", "values.0.value", "InvalidType")]
    [InlineData("leads", "Продукт", """[{"value":"Ремонт"}]""", "values.0.value", "NotSupportedChoice")]
    [InlineData("leads", "Продукт", """[{"enum_id":1}]""", "values.0.enum_id", "NotSupportedChoice")]
    [InlineData("leads", "Каналы связи", """[{"value":"Telegram"},{"value":"Голубь"}]""", "values.1.value", "NotSupportedChoice")]
    [InlineData("leads", "Согласие на рассылку", """[{"value":"да"}]""", "values.0.value", "InvalidType")]
    [InlineData("leads", "Комментарий с сайта", """[{"value":"раз"},{"value":"два"}]""", "values", "Count")]
    [InlineData("leads", "utm_source", """[{"value":"  "}]""", "values.0.value", "NotBlank")]
    [InlineData("contacts", "Дата рождения", """[{"value":"1990-01-01"}]""", "values.0.value", "InvalidType")]
    [InlineData("contacts", "Источник", """[{"value":"Сайт"},{"value":"Реклама"}]""", "values", "Count")]
    [InlineData("contacts", "Город", """[]""", "values", "NotBlank")]
    public async Task A_value_the_field_does_not_take_answers_400_naming_its_item_and_creates_nothing(
        string entity, string fieldName, string values, string path, string code)
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var fields = await DefinitionsAsync(client, entity);
        var valid = entity == "leads"
            ? """{"field_code":"UTM_MEDIUM","values":[{"value":"cpc"}]},{"field_code":"UTM_CAMPAIGN","values":[{"value":"весна"}]}"""
            : """{"field_code":"POSITION","values":[{"value":"Директор"}]},{"field_code":"PHONE","values":[{"value":"+79030000000"}]}""";

        using var response = await client.PostJsonAsync($"api/v4/{entity}", $$"""
            [{"name":"Проверка","request_id":"form-7","custom_fields_values":[{{valid}},{"field_id":{{Id(fields, fieldName)}},"values":{{values}}}]}]
            """);

        await Refusal.AssertAsync(response, "form-7", $"custom_fields_values.2.{path}", code);
        Assert.Empty(entity == "leads" ? fixture.Sandbox.GetLeads(account) : fixture.Sandbox.GetContacts(account));
    }

    [Theory]
    [InlineData("""{"field_code":"UTM_REFERRER","values":[{"value":"x"}]}""", "custom_fields_values.0.field_code")]
    [InlineData("""{"field_id":70001,"values":[{"value":"+79030000000"}]}""", "custom_fields_values.0.field_id")]
    [InlineData("""{"values":[{"value":"x"}]}""", "custom_fields_values.0.field_code")]
    public async Task A_lead_value_for_a_field_leads_do_not_have_answers_400_naming_the_field_member(string entry, string path)
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);

        using var response = await client.PostJsonAsync("api/v4/leads", $$"""[{"name":"Проверка","custom_fields_values":[{{entry}}]}]""");

        await Refusal.AssertAsync(response, "0", path, "NotSupportedChoice");
        Assert.Empty(fixture.Sandbox.GetLeads(account));
    }

    [Fact]
    public async Task Updates_and_complex_creates_check_values_against_the_fields_too()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var fields = await DefinitionsAsync(client, "leads");
        var lead = fixture.Sandbox.CreateLeadAsUser(account, "Сделка");
        var contact = fixture.Sandbox.CreateContactAsUser(account, "Анна");

        using var patchedLead = await client.PatchJsonAsync(
            $"api/v4/leads/{lead.Id}", $$"""{"custom_fields_values":[{"field_id":{{Id(fields, "Согласие на рассылку")}},"values":[{"value":1}]}]}""");
        using var patchedContacts = await client.PatchJsonAsync(
            "api/v4/contacts", $$"""[{"id":{{contact.Id}},"request_id":"c","custom_fields_values":[{"field_code":"UTM_SOURCE","values":[{"value":"google"}]}]}]""");
        using var complex = await client.PostJsonAsync("api/v4/leads/complex", """
            [{"name":"С сайта","request_id":"f","_embedded":{"contacts":[{"name":"Вера","custom_fields_values":[
              {"field_code":"EMAIL","values":[{"value":"vera@example.ru","enum_code":"HOME"}]}]}]}}]
            """);

        await Refusal.AssertAsync(patchedLead, "0", "custom_fields_values.0.values.0.value", "InvalidType");
        await Refusal.AssertAsync(patchedContacts, "c", "custom_fields_values.0.field_code", "NotSupportedChoice");
        await Refusal.AssertAsync(complex, "f", "_embedded.contacts.0.custom_fields_values.0.values.0.enum_code", "NotSupportedChoice");
        Assert.Empty(fixture.Sandbox.GetLead(account, lead.Id)!.CustomFields);
        Assert.Empty(fixture.Sandbox.GetContact(account, contact.Id)!.CustomFields);
        Assert.Single(fixture.Sandbox.GetLeads(account));
        Assert.Single(fixture.Sandbox.GetContacts(account));
    }

    [Fact]
    public async Task Patching_a_field_replaces_its_values_and_keeps_the_fields_not_sent()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var fields = await DefinitionsAsync(client, "leads");
        var channels = Id(fields, "Каналы связи");
        using var created = await client.PostJsonAsync("api/v4/leads", $$"""
            [{"name":"Заявка","custom_fields_values":[
              {"field_code":"UTM_SOURCE","values":[{"value":"yandex"}]},
              {"field_id":{{channels}},"values":[{"value":"Telegram"},{"value":"WhatsApp"}]}]}]
            """);
        var id = (await created.ReadJsonAsync()).GetProperty("_embedded").GetProperty("leads")[0].GetProperty("id").GetInt64();

        using var patched = await client.PatchJsonAsync(
            $"api/v4/leads/{id}", $$"""{"custom_fields_values":[{"field_id":{{channels}},"values":[{"value":"Email"}]},{"field_code":"UTM_TERM","values":[{"value":"окна"}]}]}""");

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var stored = fixture.Sandbox.GetLead(account, id)!.CustomFields;
        Assert.Equal(
            [("utm_source", "yandex"), ("Каналы связи", "Email"), ("utm_term", "окна")],
            stored.SelectMany(field => field.Values.Select(value => (field.FieldName, value.Value))));
    }

    /// <summary>Every page of a list from <paramref name="path"/> on, following <c>_links.next</c>.</summary>
    private static async Task<List<JsonElement>> ReadPagesAsync(HttpClient client, string path)
    {
        var pages = new List<JsonElement>();
        for (Uri? next = new(path, UriKind.Relative); next is not null;)
        {
            using var response = await client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.ReadJsonAsync();
            pages.Add(page);
            next = page.GetProperty("_links").TryGetProperty("next", out var link) ? new Uri(link.GetProperty("href").GetString()!) : null;
        }

        return pages;
    }

    private static IEnumerable<JsonElement> Fields(JsonElement page) => page.GetProperty("_embedded").GetProperty("custom_fields").EnumerateArray();

    /// <summary>The field definitions of <paramref name="entity"/> (<c>contacts</c> or <c>leads</c>) by name, as the API lists them.</summary>
    private static async Task<Dictionary<string, JsonElement>> DefinitionsAsync(HttpClient client, string entity)
    {
        using var response = await client.GetAsync($"api/v4/{entity}/custom_fields?limit=250");
        return Fields(await response.ReadJsonAsync()).ToDictionary(field => field.GetProperty("name").GetString()!);
    }

    private static long Id(Dictionary<string, JsonElement> fields, string name) => fields[name].GetProperty("id").GetInt64();

    private static long EnumId(Dictionary<string, JsonElement> fields, string name, string choice) =>
        fields[name].GetProperty("enums").EnumerateArray().Single(item => item.GetProperty("value").GetString() == choice).GetProperty("id").GetInt64();

    /// <summary>Checks an entry of <c>custom_fields_values</c>: its code, its type and its values as raw JSON.</summary>
    private static void AssertEntry(JsonElement entry, string? code, string type, params string[] values)
    {
        Assert.Equal(code, entry.GetProperty("field_code").GetString());
        Assert.Equal(type, entry.GetProperty("field_type").GetString());
        Assert.Equal(values, entry.GetProperty("values").EnumerateArray().Select(value => value.GetProperty("value").GetRawText()));
    }

    private static List<string?> EnumValues(JsonElement field) =>
        field.GetProperty("enums").EnumerateArray().Select(choice => choice.GetProperty("value").GetString()).ToList();
}
