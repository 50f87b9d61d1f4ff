using System.Net;
using System.Text.Json;
using AmoHub.Sandbox.Tests.Infrastructure;

namespace AmoHub.Sandbox.Tests;

/// <summary>Tags of leads and contacts: named on writes, made once per name whatever its case, listed per kind of entity.</summary>
public sealed class TagTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task A_tag_name_makes_one_tag_whatever_its_case_and_each_kind_of_entity_has_tags_of_its_own()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);

        var first = await CreateLeadAsync(client, """[{"name":"Сайт"},{"name":"сайт"},{"name":" Весна "}]""");
        var second = await CreateLeadAsync(client, """[{"name":"САЙТ"}]""");
        var contact = (await client.CreateContactsAsync("""[{"name":"Анна","_embedded":{"tags":[{"name":"Сайт"}]}}]"""))[0];
        using var leadTags = await client.GetAsync("api/v4/leads/tags");
        using var contactTags = await client.GetAsync("api/v4/contacts/tags");
        using var readLead = await client.GetAsync($"api/v4/leads/{first}");
        using var readContact = await client.GetAsync($"api/v4/contacts/{contact}");

        var tags = fixture.Sandbox.GetTags(account, SandboxEntityType.Leads);
        Assert.Equal(["Сайт", "Весна"], tags.Select(tag => tag.Name));
        Assert.Equal(tags, fixture.Sandbox.GetLead(account, first)!.Tags);
        Assert.Equal([tags[0]], fixture.Sandbox.GetLead(account, second)!.Tags);
        var contactTag = Assert.Single(fixture.Sandbox.GetTags(account, SandboxEntityType.Contacts));
        Assert.Equal("Сайт", contactTag.Name);
        Assert.NotEqual(tags[0].Id, contactTag.Id);
        Assert.Equal([contactTag], fixture.Sandbox.GetContact(account, contact)!.Tags);
        Assert.Equal(HttpStatusCode.OK, leadTags.StatusCode);
        Assert.Equal(
            [(tags[0].Id, "Сайт", JsonValueKind.Null), (tags[1].Id, "Весна", JsonValueKind.Null)],
            Tags((await leadTags.ReadJsonAsync()).GetProperty("_embedded")));
        Assert.Equal([(contactTag.Id, "Сайт", JsonValueKind.Null)], Tags((await contactTags.ReadJsonAsync()).GetProperty("_embedded")));
        Assert.Equal(
            [(tags[0].Id, "Сайт", JsonValueKind.Null), (tags[1].Id, "Весна", JsonValueKind.Null)],
            Tags((await readLead.ReadJsonAsync()).GetProperty("_embedded")));
        Assert.Equal([(contactTag.Id, "Сайт", JsonValueKind.Null)], Tags((await readContact.ReadJsonAsync()).GetProperty("_embedded")));
    }

    [Fact]
    public async Task Tags_by_id_are_the_existing_ones_and_a_patch_replaces_the_list_only_when_it_sends_tags()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var lead = await CreateLeadAsync(client, """[{"name":"Сайт"},{"name":"Весна"}]""");
        var site = fixture.Sandbox.GetTags(account, SandboxEntityType.Leads)[0];

        using var replaced = await client.PatchJsonAsync($"api/v4/leads/{lead}", $$$"""{"_embedded":{"tags":[{"id":{{{site.Id}}}},{"name":"Звонок"}]}}""");
        var afterReplace = fixture.Sandbox.GetLead(account, lead)!.Tags;
        using var renamed = await client.PatchJsonAsync($"api/v4/leads/{lead}", """{"name":"Новое имя"}""");
        var afterRename = fixture.Sandbox.GetLead(account, lead)!.Tags;
        using var cleared = await client.PatchJsonAsync("api/v4/leads", $$$"""[{"id":{{{lead}}},"_embedded":{"tags":[]}}]""");

        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(["Сайт", "Звонок"], afterReplace.Select(tag => tag.Name));
        Assert.Equal(site, afterReplace[0]);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal(afterReplace, afterRename);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Empty(fixture.Sandbox.GetLead(account, lead)!.Tags);
        Assert.Equal(["Сайт", "Весна", "Звонок"], fixture.Sandbox.GetTags(account, SandboxEntityType.Leads).Select(tag => tag.Name));
    }

    [Fact]
    public async Task An_unknown_tag_id_or_a_blank_name_answers_400_naming_its_path_and_makes_nothing()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var contact = fixture.Sandbox.CreateContactAsUser(account, "Анна");
        var lead = await CreateLeadAsync(client, """[{"name":"Сайт"}]""");
        var leadTag = fixture.Sandbox.GetTags(account, SandboxEntityType.Leads)[0];

        using var created = await client.PostJsonAsync("api/v4/contacts", """[{"name":"Борис","request_id":"b","_embedded":{"tags":[{"name":"Новый"},{"id":1}]}}]""");
        using var patched = await client.PatchJsonAsync(
            "api/v4/contacts", $$$"""[{"id":{{{contact.Id}}},"request_id":"a","_embedded":{"tags":[{"id":{{{leadTag.Id}}}}]}}]""");
        using var blank = await client.PatchJsonAsync($"api/v4/leads/{lead}", """{"_embedded":{"tags":[{"name":"  "}]}}""");

        await Refusal.AssertAsync(created, "b", "_embedded.tags.1.id", "NotFound");
        await Refusal.AssertAsync(patched, "a", "_embedded.tags.0.id", "NotFound");
        await Refusal.AssertAsync(blank, "0", "_embedded.tags.0.name", "NotBlank");
        Assert.Equal([contact], fixture.Sandbox.GetContacts(account));
        Assert.Empty(fixture.Sandbox.GetTags(account, SandboxEntityType.Contacts));
        Assert.Equal([leadTag], fixture.Sandbox.GetLead(account, lead)!.Tags);
    }

    [Fact]
    public async Task The_tag_list_is_paged_by_id_and_a_query_finds_tags_by_a_part_of_the_name()
    {
        using var client = fixture.Client(SandboxFixture.NewAccount());
        await CreateLeadAsync(client, """[{"name":"Сайт"},{"name":"Звонок"},{"name":"Сайт-2"}]""");

        using var first = await client.GetAsync("api/v4/leads/tags?limit=2");
        using var second = await client.GetAsync("api/v4/leads/tags?limit=2&page=2");
        using var found = await client.GetAsync("api/v4/leads/tags?query=САЙТ");
        using var none = await client.GetAsync("api/v4/leads/tags?query=Почта");

        var firstBody = await first.ReadJsonAsync();
        Assert.Equal(["Сайт", "Звонок"], Tags(firstBody.GetProperty("_embedded")).Select(tag => tag.Name));
        Assert.Contains("page=2", firstBody.GetProperty("_links").GetProperty("next").GetProperty("href").GetString(), StringComparison.Ordinal);
        var secondBody = await second.ReadJsonAsync();
        Assert.Equal(["Сайт-2"], Tags(secondBody.GetProperty("_embedded")).Select(tag => tag.Name));
        Assert.False(secondBody.GetProperty("_links").TryGetProperty("next", out _));
        Assert.Equal(["Сайт", "Сайт-2"], Tags((await found.ReadJsonAsync()).GetProperty("_embedded")).Select(tag => tag.Name));
        Assert.Equal(HttpStatusCode.NoContent, none.StatusCode);
    }

    /// <summary>Creates a lead with <paramref name="tags"/> (a JSON array) through the API and returns its id.</summary>
    private static async Task<long> CreateLeadAsync(HttpClient client, string tags)
    {
        using var response = await client.PostJsonAsync("api/v4/leads", $$$"""[{"name":"Заявка","_embedded":{"tags":{{{tags}}}}}]""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("_embedded").GetProperty("leads")[0].GetProperty("id").GetInt64();
    }

    private static List<(long Id, string? Name, JsonValueKind Color)> Tags(JsonElement embedded) =>
        embedded.GetProperty("tags").EnumerateArray()
            .Select(tag => (tag.GetProperty("id").GetInt64(), tag.GetProperty("name").GetString(), tag.GetProperty("color").ValueKind))
            .ToList();
}
