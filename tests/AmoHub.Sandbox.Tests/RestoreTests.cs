using System.Net;
using AmoHub.Sandbox.Tests.Infrastructure;

namespace AmoHub.Sandbox.Tests;

/// <summary>amoCRM's trash: a deleted contact or lead restored over the control surface, and <c>restore_*</c> webhooks.</summary>
public sealed class RestoreTests(SandboxFixture fixture) : ReceiverTests, IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task A_restored_contact_is_listed_again_not_as_deleted_with_a_new_updated_at_and_delivers_restore_contact()
    {
        var account = SandboxFixture.NewAccount();
        using var control = fixture.RootClient();
        using var client = fixture.Client(account);
        var ids = await client.CreateContactsAsync("""
            [{"name":"Анна","custom_fields_values":[{"field_code":"PHONE","values":[{"value":"+7 903 123-45-67"}]}]}]
            """);
        var destination = await Receiver.SubscribeAsync(client, "ok", "restore_contact");
        fixture.Sandbox.DeleteContactAsUser(account, ids[0]);
        var deleted = Assert.Single(fixture.Sandbox.GetDeletedContacts(account));

        using var restored = await control.PostAsync(new Uri($"_sandbox/accounts/{account}/contacts/{ids[0]}/restore", UriKind.Relative), null);
        using var live = await client.GetAsync("api/v4/contacts");
        using var onlyDeleted = await client.GetAsync("api/v4/contacts?with=only_deleted");

        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        var updatedAt = (await restored.ReadJsonAsync()).GetProperty("updated_at").GetInt64();
        Assert.True(updatedAt >= deleted.UpdatedAt);
        Assert.Equal(updatedAt, fixture.Sandbox.GetContact(account, ids[0])!.UpdatedAt);
        Assert.Equal(ids[0], Assert.Single((await live.ReadJsonAsync()).GetProperty("_embedded").GetProperty("contacts").EnumerateArray()).GetProperty("id").GetInt64());
        Assert.Equal(HttpStatusCode.NoContent, onlyDeleted.StatusCode);
        Assert.Empty(fixture.Sandbox.GetDeletedContacts(account));
        var form = Assert.Single(await Receiver.WaitForAsync(destination)).Form;
        Assert.Equal(ids[0].Text(), form["contacts[restore][0][id]"]);
        Assert.Equal("Анна", form["contacts[restore][0][name]"]);
        Assert.Equal("PHONE", form["contacts[restore][0][custom_fields][0][code]"]);
        Assert.Equal("+7 903 123-45-67", form["contacts[restore][0][custom_fields][0][values][0][value]"]);
        Assert.Equal(updatedAt.Text(), form["contacts[restore][0][updated_at]"]);
        Assert.Equal(account, form["account[subdomain]"]);
    }

    [Fact]
    public async Task A_restored_lead_is_listed_again_with_a_new_updated_at_and_delivers_restore_lead()
    {
        var account = SandboxFixture.NewAccount();
        using var control = fixture.RootClient();
        using var client = fixture.Client(account);
        var created = fixture.Sandbox.CreateLeadAsUser(account, "Сделка", price: 500);
        var destination = await Receiver.SubscribeAsync(client, "ok", "restore_lead");
        fixture.Sandbox.DeleteLeadAsUser(account, created.Id);
        using var whileDeleted = await client.GetAsync("api/v4/leads");

        using var restored = await control.PostAsync(new Uri($"_sandbox/accounts/{account}/leads/{created.Id}/restore", UriKind.Relative), null);
        using var live = await client.GetAsync("api/v4/leads");

        Assert.Equal(HttpStatusCode.NoContent, whileDeleted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        var updatedAt = (await restored.ReadJsonAsync()).GetProperty("updated_at").GetInt64();
        Assert.True(updatedAt >= created.UpdatedAt);
        Assert.Equal(updatedAt, fixture.Sandbox.GetLead(account, created.Id)!.UpdatedAt);
        Assert.Equal(created.Id, Assert.Single((await live.ReadJsonAsync()).GetProperty("_embedded").GetProperty("leads").EnumerateArray()).GetProperty("id").GetInt64());
        var form = Assert.Single(await Receiver.WaitForAsync(destination)).Form;
        Assert.Equal(created.Id.Text(), form["leads[restore][0][id]"]);
        Assert.Equal("Сделка", form["leads[restore][0][name]"]);
        Assert.Equal(created.StatusId.Text(), form["leads[restore][0][status_id]"]);
        Assert.Equal(created.PipelineId.Text(), form["leads[restore][0][pipeline_id]"]);
        Assert.Equal(updatedAt.Text(), form["leads[restore][0][updated_at]"]);
    }

    [Theory]
    [InlineData("contacts")]
    [InlineData("leads")]
    public async Task Restoring_what_is_not_deleted_answers_404_problem(string entity)
    {
        var account = SandboxFixture.NewAccount();
        using var control = fixture.RootClient();
        var live = entity == "contacts"
            ? fixture.Sandbox.CreateContactAsUser(account, "Анна").Id
            : fixture.Sandbox.CreateLeadAsUser(account, "Сделка").Id;

        using var notDeleted = await control.PostAsync(new Uri($"_sandbox/accounts/{account}/{entity}/{live}/restore", UriKind.Relative), null);
        using var unknown = await control.PostAsync(new Uri($"_sandbox/accounts/{account}/{entity}/1/restore", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.NotFound, notDeleted.StatusCode);
        Assert.Equal("application/problem+json", notDeleted.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }
}
