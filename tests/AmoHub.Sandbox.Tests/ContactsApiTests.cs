using System.Net;
using System.Text.Json;
using AmoHub.Sandbox.Tests.Infrastructure;

namespace AmoHub.Sandbox.Tests;

public sealed class ContactsApiTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task A_search_with_no_match_answers_204_with_an_empty_body()
    {
        using var client = fixture.Client(SandboxFixture.NewAccount());
        await client.CreateContactsAsync("""[{"name":"Иван Петров"}]""");

        using var response = await client.GetAsync("api/v4/contacts?query=Сидоров");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_digit_query_finds_a_contact_by_the_digits_of_a_phone_however_it_is_written()
    {
        using var client = fixture.Client(SandboxFixture.NewAccount());
        var ids = await client.CreateContactsAsync("""
            [{"name":"Анна","custom_fields_values":[{"field_code":"PHONE","values":[{"value":"+7 (903) 123-45-67","enum_code":"MOB"}]}]},
             {"name":"Борис","custom_fields_values":[{"field_code":"PHONE","values":[{"value":"+7 916 000-00-00"}]}]}]
            """);

        using var response = await client.GetAsync("api/v4/contacts?query=9031234567");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/hal+json", response.Content.Headers.ContentType?.MediaType);
        var contact = Assert.Single((await response.ReadJsonAsync()).GetProperty("_embedded").GetProperty("contacts").EnumerateArray());
        Assert.Equal(ids[0], contact.GetProperty("id").GetInt64());
        var phone = Assert.Single(contact.GetProperty("custom_fields_values").EnumerateArray());
        Assert.Equal("PHONE", phone.GetProperty("field_code").GetString());
        Assert.Equal("Телефон", phone.GetProperty("field_name").GetString());
        Assert.Equal("multitext", phone.GetProperty("field_type").GetString());
        var value = Assert.Single(phone.GetProperty("values").EnumerateArray());
        Assert.Equal("+7 (903) 123-45-67", value.GetProperty("value").GetString());
        Assert.Equal("MOB", value.GetProperty("enum_code").GetString());
    }

    [Fact]
    public async Task A_query_finds_a_contact_by_its_email_in_any_case()
    {
        using var client = fixture.Client(SandboxFixture.NewAccount());
        var ids = await client.CreateContactsAsync("""
            [{"name":"Анна","custom_fields_values":[{"field_code":"EMAIL","values":[{"value":"Anna.Ivanova@Example.ru","enum_code":"WORK"}]}]},
             {"name":"Борис","custom_fields_values":[{"field_code":"EMAIL","values":[{"value":"boris@example.ru"}]}]}]
            """);

        using var found = await client.GetAsync("api/v4/contacts?query=anna.ivanova%40EXAMPLE.RU");
        using var missing = await client.GetAsync("api/v4/contacts?query=vera%40example.ru");

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        var contact = Assert.Single((await found.ReadJsonAsync()).GetProperty("_embedded").GetProperty("contacts").EnumerateArray());
        Assert.Equal(ids[0], contact.GetProperty("id").GetInt64());
        var email = Assert.Single(contact.GetProperty("custom_fields_values").EnumerateArray());
        Assert.Equal(("EMAIL", "Anna.Ivanova@Example.ru", "WORK"), (
            email.GetProperty("field_code").GetString(),
            email.GetProperty("values")[0].GetProperty("value").GetString(),
            email.GetProperty("values")[0].GetProperty("enum_code").GetString()));
        Assert.Equal(HttpStatusCode.NoContent, missing.StatusCode);
    }

    [Fact]
    public async Task Creating_contacts_answers_their_ids_in_input_order_with_request_ids_echoed_or_the_index()
    {
        using var client = fixture.Client(SandboxFixture.NewAccount());

        using var response = await client.PostJsonAsync("api/v4/contacts", """[{"name":"Первый","request_id":"first"},{"first_name":"Второй","last_name":"Контакт"}]""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var created = (await response.ReadJsonAsync()).GetProperty("_embedded").GetProperty("contacts").EnumerateArray().ToList();
        Assert.Equal(["first", "1"], created.Select(contact => contact.GetProperty("request_id").GetString()));
        Assert.True(created[0].GetProperty("id").GetInt64() < created[1].GetProperty("id").GetInt64());
        Assert.Equal("Второй Контакт", fixture.Sandbox.GetContact(SubdomainOf(client), created[1].GetProperty("id").GetInt64())?.Name);
    }

    [Fact]
    public async Task A_contact_with_an_unsupported_field_fails_the_whole_request_with_validation_errors_and_creates_nothing()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);

        using var response = await client.PostJsonAsync("api/v4/contacts", """
            [{"name":"Хороший","request_id":"good"},
             {"name":"Плохой","request_id":"bad","custom_fields_values":[{"field_code":"BIRTHDAY","values":[{"value":"1990-01-01"}]}]}]
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.ReadJsonAsync();
        Assert.Equal(400, body.GetProperty("status").GetInt32());
        var failure = Assert.Single(body.GetProperty("validation-errors").EnumerateArray());
        Assert.Equal("bad", failure.GetProperty("request_id").GetString());
        var error = Assert.Single(failure.GetProperty("errors").EnumerateArray());
        Assert.Equal("NotSupportedChoice", error.GetProperty("code").GetString());
        Assert.Equal("custom_fields_values.0.field_code", error.GetProperty("path").GetString());
        Assert.Empty(fixture.Sandbox.GetContacts(account));
    }

    [Fact]
    public async Task A_phone_without_a_value_is_a_validation_error()
    {
        using var client = fixture.Client(SandboxFixture.NewAccount());

        using var response = await client.PostJsonAsync("api/v4/contacts", """[{"name":"Без номера","custom_fields_values":[{"field_code":"PHONE","values":[{"enum_code":"WORK"}]}]}]""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.ReadJsonAsync()).GetProperty("validation-errors")[0].GetProperty("errors")[0];
        Assert.Equal("custom_fields_values.0.values.0.value", error.GetProperty("path").GetString());
    }

    [Theory]
    [InlineData("""{"name":"Не массив"}""")]
    [InlineData("[]")]
    [InlineData("not json")]
    public async Task A_create_body_that_is_not_a_non_empty_array_answers_400(string body)
    {
        using var client = fixture.Client(SandboxFixture.NewAccount());

        using var response = await client.PostJsonAsync("api/v4/contacts", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task More_than_250_contacts_in_one_create_answer_400()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);

        using var response = await client.PostJsonAsync("api/v4/contacts", $"[{string.Join(',', Enumerable.Repeat("""{"name":"x"}""", 251))}]");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(fixture.Sandbox.GetContacts(account));
    }

    [Fact]
    public async Task A_list_limit_above_250_answers_400_with_a_validation_error()
    {
        using var client = fixture.Client(SandboxFixture.NewAccount());

        using var response = await client.GetAsync("api/v4/contacts?limit=251");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.ReadJsonAsync()).GetProperty("validation-errors")[0].GetProperty("errors")[0];
        Assert.Equal("limit", error.GetProperty("path").GetString());
    }

    [Fact]
    public async Task Pages_link_to_the_next_page_while_more_contacts_follow()
    {
        using var client = fixture.Client(SandboxFixture.NewAccount());
        var ids = await client.CreateContactsAsync("""[{"name":"a"},{"name":"b"},{"name":"c"}]""");

        using var first = await client.GetAsync("api/v4/contacts?limit=2&order[id]=desc");
        using var second = await client.GetAsync("api/v4/contacts?limit=2&page=2&order[id]=desc");

        var firstBody = await first.ReadJsonAsync();
        Assert.Equal(1, firstBody.GetProperty("_page").GetInt32());
        Assert.Equal([ids[2], ids[1]], firstBody.GetProperty("_embedded").GetProperty("contacts").EnumerateArray().Select(c => c.GetProperty("id").GetInt64()));
        Assert.Contains("page=2", firstBody.GetProperty("_links").GetProperty("next").GetProperty("href").GetString(), StringComparison.Ordinal);
        var secondBody = await second.ReadJsonAsync();
        Assert.Equal(ids[0], secondBody.GetProperty("_embedded").GetProperty("contacts")[0].GetProperty("id").GetInt64());
        Assert.False(secondBody.GetProperty("_links").TryGetProperty("next", out _));
    }

    [Fact]
    public async Task Filters_by_id_and_by_updated_at_are_inclusive()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var ids = await client.CreateContactsAsync("""[{"name":"a"},{"name":"b"},{"name":"c"}]""");
        var updatedAt = fixture.Sandbox.GetContact(account, ids[0])!.UpdatedAt;

        using var byId = await client.GetAsync($"api/v4/contacts?filter[id][]={ids[0]}&filter[id][]={ids[2]}");
        using var byTime = await client.GetAsync($"api/v4/contacts?filter[updated_at][from]={updatedAt}&filter[updated_at][to]={updatedAt + 5}");
        using var before = await client.GetAsync($"api/v4/contacts?filter[updated_at][to]={updatedAt - 1}");

        Assert.Equal([ids[0], ids[2]], (await byId.ReadJsonAsync()).GetProperty("_embedded").GetProperty("contacts").EnumerateArray().Select(c => c.GetProperty("id").GetInt64()));
        Assert.Equal(3, (await byTime.ReadJsonAsync()).GetProperty("_embedded").GetProperty("contacts").GetArrayLength());
        Assert.Equal(HttpStatusCode.NoContent, before.StatusCode);
    }

    [Fact]
    public async Task Patching_phones_replaces_the_whole_list_and_never_moves_updated_at_backwards()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var ids = await client.CreateContactsAsync("""[{"name":"Анна","custom_fields_values":[{"field_code":"PHONE","values":[{"value":"+79031111111"},{"value":"+79032222222"}]}]}]""");
        var before = fixture.Sandbox.GetContact(account, ids[0])!;

        using var response = await client.PatchJsonAsync($"api/v4/contacts/{ids[0]}", """{"name":"Анна К.","custom_fields_values":[{"field_code":"PHONE","values":[{"value":"+79033333333"}]}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = fixture.Sandbox.GetContact(account, ids[0])!;
        Assert.Equal("Анна К.", after.Name);
        Assert.Equal(["+79033333333"], after.Phones.Select(phone => phone.Value));
        Assert.True(after.UpdatedAt >= before.UpdatedAt);
    }

    [Fact]
    public async Task Patching_an_unknown_contact_answers_400_and_changes_nothing()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var ids = await client.CreateContactsAsync("""[{"name":"Есть"}]""");

        using var response = await client.PatchJsonAsync("api/v4/contacts", $$"""[{"id":{{ids[0]}},"name":"Новое"},{"id":1,"name":"Нет"}]""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("1", (await response.ReadJsonAsync()).GetProperty("validation-errors")[0].GetProperty("request_id").GetString());
        Assert.Equal("Есть", fixture.Sandbox.GetContact(account, ids[0])!.Name);
    }

    [Fact]
    public async Task Getting_a_missing_contact_answers_204()
    {
        using var client = fixture.Client(SandboxFixture.NewAccount());

        using var response = await client.GetAsync("api/v4/contacts/123");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task The_account_endpoint_names_the_account()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);

        using var response = await client.GetAsync("api/v4/account");

        var body = await response.ReadJsonAsync();
        Assert.Equal(account, body.GetProperty("subdomain").GetString());
        Assert.Equal(fixture.Sandbox.GetAccount(account).Id, body.GetProperty("id").GetInt64());
        Assert.Equal("RU", body.GetProperty("country").GetString());
        Assert.Equal("RUB", body.GetProperty("currency").GetString());
        Assert.True(body.GetProperty("current_user_id").GetInt64() > 0);
    }

    [Fact]
    public async Task An_unknown_api_path_answers_404_problem_json()
    {
        using var client = fixture.Client(SandboxFixture.NewAccount());

        using var response = await client.GetAsync("api/v4/companies");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task With_leads_embeds_the_id_and_link_of_every_lead_of_each_contact_in_lists_and_single_gets()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var ids = await client.CreateContactsAsync("""[{"name":"Анна"},{"name":"Борис"},{"name":"Вера"}]""");
        var shared = fixture.Sandbox.CreateLeadAsUser(account, "Общая", contactIds: [ids[0], ids[1]]);
        var own = fixture.Sandbox.CreateLeadAsUser(account, "Своя", contactIds: [ids[0]]);

        using var list = await client.GetAsync("api/v4/contacts?with=leads");
        using var single = await client.GetAsync($"api/v4/contacts/{ids[0]}?with=leads");
        using var plain = await client.GetAsync($"api/v4/contacts/{ids[0]}");

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var contacts = (await list.ReadJsonAsync()).GetProperty("_embedded").GetProperty("contacts").EnumerateArray().ToList();
        Assert.Equal([ids[0], ids[1], ids[2]], contacts.Select(contact => contact.GetProperty("id").GetInt64()));
        Assert.Equal([[shared.Id, own.Id], [shared.Id], []], contacts.Select(LeadIds));
        var embedded = (await single.ReadJsonAsync()).GetProperty("_embedded").GetProperty("leads").EnumerateArray().ToList();
        Assert.Equal([shared.Id, own.Id], embedded.Select(lead => lead.GetProperty("id").GetInt64()));
        Assert.Equal(new Uri(client.BaseAddress!, $"api/v4/leads/{shared.Id}").AbsoluteUri, embedded[0].GetProperty("_links").GetProperty("self").GetProperty("href").GetString());
        Assert.False((await plain.ReadJsonAsync()).GetProperty("_embedded").TryGetProperty("leads", out _));

        static long[] LeadIds(JsonElement contact) =>
            contact.GetProperty("_embedded").GetProperty("leads").EnumerateArray().Select(lead => lead.GetProperty("id").GetInt64()).ToArray();
    }

    private static string SubdomainOf(HttpClient client) => client.BaseAddress!.Segments[^1].TrimEnd('/');
}
