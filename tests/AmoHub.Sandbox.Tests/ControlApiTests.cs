using System.Net;
using System.Net.Http.Json;
using AmoHub.Sandbox.Tests.Infrastructure;

namespace AmoHub.Sandbox.Tests;

public sealed class ControlApiTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Out_of_process_tests_get_a_token_through_an_authorization_code_over_http()
    {
        var account = SandboxFixture.NewAccount();
        using var control = fixture.RootClient();
        using var oauth = fixture.Client(account, authorize: false);

        using var codeResponse = await control.PostJsonAsync(
            $"_sandbox/accounts/{account}/authorization-codes", """{"client_id":"c","client_secret":"s","redirect_uri":"https://hub.example/cb"}""");
        var code = (await codeResponse.ReadJsonAsync()).GetProperty("code").GetString();
        using var grant = await oauth.PostJsonAsync(
            "oauth2/access_token", $$"""{"client_id":"c","client_secret":"s","grant_type":"authorization_code","code":"{{code}}","redirect_uri":"https://hub.example/cb"}""");

        Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
    }

    [Fact]
    public async Task A_contact_edited_as_a_user_over_http_changes_and_shows_in_the_state()
    {
        var account = SandboxFixture.NewAccount();
        using var control = fixture.RootClient();

        using var created = await control.PostJsonAsync($"_sandbox/accounts/{account}/contacts", """{"name":"Анна","phones":["+79031234567"]}""");
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetInt64();
        using var edited = await control.PatchJsonAsync($"_sandbox/accounts/{account}/contacts/{id}", """{"phones":["+79990000000"]}""");
        using var missing = await control.PatchJsonAsync($"_sandbox/accounts/{account}/contacts/1", """{"name":"Никто"}""");
        using var contacts = await control.GetAsync($"_sandbox/accounts/{account}/contacts");
        using var stats = await control.GetAsync($"_sandbox/accounts/{account}/stats");
        using var deleted = await control.DeleteAsync($"_sandbox/accounts/{account}/contacts/{id}");

        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var contact = Assert.Single((await contacts.ReadJsonAsync()).EnumerateArray());
        Assert.Equal("+79990000000", contact.GetProperty("phones")[0].GetProperty("value").GetString());
        var counters = await stats.ReadJsonAsync();
        Assert.Equal(1, counters.GetProperty("contacts_created").GetInt64());
        Assert.Equal(1, counters.GetProperty("contacts_updated").GetInt64());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty(fixture.Sandbox.GetContacts(account));
    }

    [Fact]
    public async Task A_contact_deleted_as_a_user_leaves_every_list_and_is_kept_as_deleted()
    {
        var account = SandboxFixture.NewAccount();
        using var control = fixture.RootClient();
        using var client = fixture.Client(account);
        var contact = fixture.Sandbox.CreateContactAsUser(account, "Анна", ["+79031234567"]);

        using var deleted = await control.DeleteAsync($"_sandbox/accounts/{account}/contacts/{contact.Id}");
        using var listed = await client.GetAsync("api/v4/contacts");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, listed.StatusCode);
        Assert.Empty(fixture.Sandbox.GetContacts(account));
        var kept = Assert.Single(fixture.Sandbox.GetDeletedContacts(account));
        Assert.True(kept.UpdatedAt >= contact.UpdatedAt);
        Assert.Equal(contact with { UpdatedAt = kept.UpdatedAt }, kept);
    }

    [Fact]
    public async Task Faults_are_switched_on_and_off_over_http()
    {
        var account = SandboxFixture.NewAccount();
        using var control = fixture.RootClient();
        using var client = fixture.Client(account);

        using var set = await control.PostAsJsonAsync($"_sandbox/accounts/{account}/faults", new { failure_rate = 1.0, failure_status = 503 });
        using var failing = await client.GetAsync("api/v4/account");
        using var cleared = await control.DeleteAsync($"_sandbox/accounts/{account}/faults");
        using var healed = await client.GetAsync("api/v4/account");
        using var invalid = await control.PostAsJsonAsync($"_sandbox/accounts/{account}/faults", new { failure_rate = 2.0 });

        Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failing.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Equal(HttpStatusCode.OK, healed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }

    [Fact]
    public async Task A_lead_moved_as_a_user_over_http_changes_status()
    {
        var account = SandboxFixture.NewAccount();
        using var control = fixture.RootClient();

        using var created = await control.PostJsonAsync($"_sandbox/accounts/{account}/leads", """{"name":"Сделка","price":100}""");
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetInt64();
        using var moved = await control.PatchJsonAsync($"_sandbox/accounts/{account}/leads/{id}", """{"status_id":143}""");
        using var unknownStatus = await control.PatchJsonAsync($"_sandbox/accounts/{account}/leads/{id}", """{"status_id":7}""");

        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(143, (await moved.ReadJsonAsync()).GetProperty("status_id").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, unknownStatus.StatusCode);
    }
}
