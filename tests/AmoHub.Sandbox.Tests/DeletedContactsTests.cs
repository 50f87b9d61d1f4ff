using System.Net;
using System.Text.Json;
using AmoHub.Sandbox.Tests.Infrastructure;

namespace AmoHub.Sandbox.Tests;

/// <summary><c>GET api/v4/contacts</c> and deleted contacts: left out of lists, listed by <c>with=only_deleted</c>.</summary>
public sealed class DeletedContactsTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task A_deleted_contact_is_listed_only_with_only_deleted_and_marked_deleted()
    {
        var account = SandboxFixture.NewAccount();
        using var control = fixture.RootClient();
        using var client = fixture.Client(account);
        var ids = await client.CreateContactsAsync("""[{"name":"Анна"},{"name":"Борис"},{"name":"Вера"}]""");
        var created = fixture.Sandbox.GetContact(account, ids[1])!;

        using var deleted = await control.DeleteAsync($"_sandbox/accounts/{account}/contacts/{ids[1]}");
        using var live = await client.GetAsync("api/v4/contacts");
        using var onlyDeleted = await client.GetAsync("api/v4/contacts?with=only_deleted");
        using var single = await client.GetAsync($"api/v4/contacts/{ids[1]}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var liveContacts = Contacts(await live.ReadJsonAsync());
        Assert.Equal([ids[0], ids[2]], liveContacts.Select(Id));
        Assert.All(liveContacts, contact => Assert.False(contact.GetProperty("is_deleted").GetBoolean()));
        Assert.Equal(HttpStatusCode.OK, onlyDeleted.StatusCode);
        var contact = Assert.Single(Contacts(await onlyDeleted.ReadJsonAsync()));
        Assert.Equal(ids[1], Id(contact));
        Assert.Equal("Борис", contact.GetProperty("name").GetString());
        Assert.True(contact.GetProperty("is_deleted").GetBoolean());
        var updatedAt = contact.GetProperty("updated_at").GetInt64();
        Assert.True(updatedAt >= created.UpdatedAt);
        Assert.Equal(fixture.Sandbox.GetDeletedContacts(account)[0].UpdatedAt, updatedAt);
        Assert.Equal(HttpStatusCode.NoContent, single.StatusCode);
    }

    [Fact]
    public async Task Deleted_contacts_page_like_the_normal_list_following_next_links()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        await SeedAsync(account);
        var expected = fixture.Sandbox.GetDeletedContacts(account)
            .OrderBy(contact => contact.UpdatedAt).ThenBy(contact => contact.Id).Select(contact => contact.Id).ToList();

        var listed = new List<long>();
        var pages = 0;
        for (var next = "api/v4/contacts?with=only_deleted&order[updated_at]=asc&limit=5"; next is not null; pages++)
        {
            using var response = await client.GetAsync(new Uri(next, UriKind.RelativeOrAbsolute));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.ReadJsonAsync();
            var contacts = Contacts(body);
            Assert.All(contacts, contact => Assert.True(contact.GetProperty("is_deleted").GetBoolean()));
            listed.AddRange(contacts.Select(Id));
            next = body.GetProperty("_links").TryGetProperty("next", out var link) ? link.GetProperty("href").GetString() : null;
        }

        Assert.Equal(12, expected.Count);
        Assert.Equal(3, pages);
        Assert.Equal(expected, listed);
    }

    [Fact]
    public async Task The_updated_at_filter_applies_to_the_time_of_deletion()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        await SeedAsync(account);
        var deleted = fixture.Sandbox.GetDeletedContacts(account);
        var from = deleted.Select(contact => contact.UpdatedAt).Order().ElementAt(deleted.Count / 2);
        var expected = deleted.Where(contact => contact.UpdatedAt >= from).Select(contact => contact.Id).Order().ToList();

        using var response = await client.GetAsync($"api/v4/contacts?with=only_deleted&filter[updated_at][from]={from}&limit=250");
        using var after = await client.GetAsync($"api/v4/contacts?with=only_deleted&filter[updated_at][from]={deleted.Max(contact => contact.UpdatedAt) + 1}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange(expected.Count, 1, deleted.Count - 1);
        Assert.Equal(expected, Contacts(await response.ReadJsonAsync()).Select(Id));
        Assert.Equal(HttpStatusCode.NoContent, after.StatusCode);
    }

    [Fact]
    public async Task The_normal_list_of_a_seeded_account_leaves_every_deleted_contact_out()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        await SeedAsync(account);

        using var response = await client.GetAsync("api/v4/contacts?limit=250");

        var contacts = Contacts(await response.ReadJsonAsync());
        Assert.Equal(fixture.Sandbox.GetContacts(account).Select(contact => contact.Id), contacts.Select(Id));
        Assert.Empty(contacts.Select(Id).Intersect(fixture.Sandbox.GetDeletedContacts(account).Select(contact => contact.Id)));
        Assert.All(contacts, contact => Assert.False(contact.GetProperty("is_deleted").GetBoolean()));
    }

    [Theory]
    [InlineData("customers")]
    [InlineData("catalog_elements,only_deleted")]
    [InlineData("only_deleted,contacts")]
    [InlineData("ONLY_DELETED")]
    public async Task A_with_value_the_contacts_list_does_not_support_answers_400_naming_with(string with)
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        await client.CreateContactsAsync("""[{"name":"Анна"}]""");

        using var response = await client.GetAsync($"api/v4/contacts?with={with}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var error = Assert.Single((await response.ReadJsonAsync()).GetProperty("validation-errors")[0].GetProperty("errors").EnumerateArray());
        Assert.Equal("with", error.GetProperty("path").GetString());
        Assert.Equal("NotSupportedChoice", error.GetProperty("code").GetString());
    }

    private static long Id(JsonElement contact) => contact.GetProperty("id").GetInt64();

    private static List<JsonElement> Contacts(JsonElement page) =>
        page.GetProperty("_embedded").GetProperty("contacts").EnumerateArray().ToList();

    /// <summary>Seeds 40 contacts, 12 of them deleted, with times spread over years.</summary>
    private async Task SeedAsync(string account)
    {
        using var control = fixture.RootClient();
        using var response = await control.PostJsonAsync($"_sandbox/accounts/{account}/seed", """{"contacts":40,"deleted":12,"seed":3}""");
        response.EnsureSuccessStatusCode();
    }
}
