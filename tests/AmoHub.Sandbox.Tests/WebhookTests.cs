using System.Net;
using AmoHub.Sandbox.Tests.Infrastructure;

namespace AmoHub.Sandbox.Tests;

public sealed class WebhookTests(SandboxFixture fixture) : ReceiverTests, IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Subscribing_lists_the_webhook_resubscribing_updates_it_and_unsubscribing_answers_204()
    {
        using var client = fixture.Client(SandboxFixture.NewAccount());
        var destination = Receiver.Destination("ok");

        using var none = await client.GetAsync("api/v4/webhooks");
        using var first = await client.PostJsonAsync("api/v4/webhooks", $$"""{"destination":"{{destination}}","settings":["add_contact"]}""");
        using var again = await client.PostJsonAsync("api/v4/webhooks", $$"""{"destination":"{{destination}}","settings":["add_lead","status_lead"]}""");
        using var listed = await client.GetAsync("api/v4/webhooks");
        using var removed = await client.DeleteJsonAsync("api/v4/webhooks", $$"""{"destination":"{{destination}}"}""");
        using var removedAgain = await client.DeleteJsonAsync("api/v4/webhooks", $$"""{"destination":"{{destination}}"}""");
        using var after = await client.GetAsync("api/v4/webhooks");

        Assert.Equal(HttpStatusCode.NoContent, none.StatusCode);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((await first.ReadJsonAsync()).GetProperty("id").GetInt64(), (await again.ReadJsonAsync()).GetProperty("id").GetInt64());
        var body = await listed.ReadJsonAsync();
        Assert.Equal(1, body.GetProperty("_total_items").GetInt32());
        var webhook = body.GetProperty("_embedded").GetProperty("webhooks")[0];
        Assert.Equal(destination, webhook.GetProperty("destination").GetString());
        Assert.False(webhook.GetProperty("disabled").GetBoolean());
        Assert.Equal(["add_lead", "status_lead"], webhook.GetProperty("settings").EnumerateArray().Select(setting => setting.GetString()));
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, removedAgain.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, after.StatusCode);
    }

    [Fact]
    public async Task Contacts_created_in_one_call_arrive_in_one_form_delivery_in_the_old_v2_format()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var destination = await Receiver.SubscribeAsync(client, "ok", "add_contact", "update_contact");

        var ids = await client.CreateContactsAsync("""
            [{"name":"Анна","custom_fields_values":[{"field_code":"PHONE","values":[{"value":"+7 903 123-45-67","enum_code":"MOB"}]}]},{"name":"Борис"}]
            """);

        var delivery = Assert.Single(await Receiver.WaitForAsync(destination));
        Assert.Equal("application/x-www-form-urlencoded", delivery.ContentType);
        var form = delivery.Form;
        Assert.Equal(ids[0].Text(), form["contacts[add][0][id]"]);
        Assert.Equal("Анна", form["contacts[add][0][name]"]);
        Assert.Equal("PHONE", form["contacts[add][0][custom_fields][0][code]"]);
        Assert.Equal("Телефон", form["contacts[add][0][custom_fields][0][name]"]);
        Assert.Equal("+7 903 123-45-67", form["contacts[add][0][custom_fields][0][values][0][value]"]);
        Assert.True(long.TryParse(form["contacts[add][0][custom_fields][0][values][0][enum]"], out _));
        Assert.Equal(ids[1].Text(), form["contacts[add][1][id]"]);
        var contact = fixture.Sandbox.GetContact(account, ids[0])!;
        Assert.Equal(contact.UpdatedAt.Text(), form["contacts[add][0][last_modified]"]);
        Assert.Equal(contact.UpdatedAt.Text(), form["contacts[add][0][updated_at]"]);
        Assert.Equal(contact.CreatedAt.Text(), form["contacts[add][0][created_at]"]);
        Assert.Equal(account, form["account[subdomain]"]);
        Assert.Equal(fixture.Sandbox.GetAccount(account).Id.Text(), form["account[id]"]);
        Assert.Single(await Eventually.MatchAsync(() => fixture.Sandbox.GetDeliveries(account), d => d.Count > 0, "the delivery log"), d => d.Succeeded);
    }

    [Fact]
    public async Task A_status_change_delivers_status_lead_with_the_old_status_and_no_contact_data()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var contact = fixture.Sandbox.CreateContactAsUser(account, "Анна", ["+79031234567"]);
        var lead = fixture.Sandbox.CreateLeadAsUser(account, "Сделка", contactIds: [contact.Id]);
        var destination = await Receiver.SubscribeAsync(client, "ok", "status_lead");

        fixture.Sandbox.EditLeadAsUser(account, lead.Id, statusId: 1_000_012);

        var form = Assert.Single(await Receiver.WaitForAsync(destination)).Form;
        Assert.Equal(lead.Id.Text(), form["leads[status][0][id]"]);
        Assert.Equal("1000012", form["leads[status][0][status_id]"]);
        Assert.Equal("1000011", form["leads[status][0][old_status_id]"]);
        Assert.Equal("1000001", form["leads[status][0][pipeline_id]"]);
        Assert.DoesNotContain(form.Keys, key => key.StartsWith("contacts", StringComparison.Ordinal) || key.Contains("[contacts]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Editing_and_deleting_as_a_user_bump_updated_at_and_deliver_update_and_delete()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var contact = fixture.Sandbox.CreateContactAsUser(account, "Анна", ["+79031234567"]);
        var destination = await Receiver.SubscribeAsync(client, "ok", "update_contact", "delete_contact");

        var edited = fixture.Sandbox.EditContactAsUser(account, contact.Id, phones: ["+79037654321"])!;
        fixture.Sandbox.DeleteContactAsUser(account, contact.Id);

        Assert.True(edited.UpdatedAt >= contact.UpdatedAt);
        var deliveries = await Receiver.WaitForAsync(destination, 2);
        var update = Assert.Single(deliveries, delivery => delivery.Form.ContainsKey("contacts[update][0][id]")).Form;
        Assert.Equal("+79037654321", update["contacts[update][0][custom_fields][0][values][0][value]"]);
        Assert.Contains(deliveries, delivery => delivery.Form.GetValueOrDefault("contacts[delete][0][id]") == contact.Id.Text());
        Assert.Null(fixture.Sandbox.GetContact(account, contact.Id));
    }

    [Fact]
    public async Task A_failing_receiver_is_retried_every_attempt_is_recorded_and_the_webhook_is_finally_disabled()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var destination = await Receiver.SubscribeAsync(client, "fail", "add_contact");

        await client.CreateContactsAsync("""[{"name":"Анна"}]""");

        // The fixture retries twice and disables a webhook at its third failure: more than 2.
        var attempts = await Eventually.MatchAsync(() => fixture.Sandbox.GetDeliveries(account), d => d.Count >= 3, "three attempts");
        Assert.Equal([1, 2, 3], attempts.Select(attempt => attempt.Attempt));
        Assert.All(attempts, attempt =>
        {
            Assert.False(attempt.Succeeded);
            Assert.Equal(500, attempt.StatusCode);
            Assert.Equal(destination, attempt.Destination);
            Assert.Equal("Анна", attempt.Field("contacts[add][0][name]"));
        });
        Assert.Equal(3, (await Receiver.WaitForAsync(destination, 3)).Count);
        Assert.True(Assert.Single(fixture.Sandbox.GetWebhooks(account)).Disabled);
        Assert.Equal(3, fixture.Sandbox.GetStats(account).WebhookFailures);
    }

    [Fact]
    public async Task A_receiver_that_answers_too_late_counts_as_a_failure()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        await Receiver.SubscribeAsync(client, "slow", "add_contact");

        await client.CreateContactsAsync("""[{"name":"Анна"}]""");

        var first = (await Eventually.MatchAsync(() => fixture.Sandbox.GetDeliveries(account), d => d.Count > 0, "an attempt"))[0];
        Assert.False(first.Succeeded);
        Assert.Null(first.StatusCode);
        Assert.StartsWith("No answer within", first.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delivery_is_underway_from_the_change_until_its_last_attempt_is_recorded()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        await Receiver.SubscribeAsync(client, "slow", "add_contact");
        Assert.Equal(0, fixture.Sandbox.GetDeliveriesUnderway(account));

        await client.CreateContactsAsync("""[{"name":"Анна"}]""");
        var during = fixture.Sandbox.GetDeliveriesUnderway(account);

        // The slow receiver never answers in time: the first attempt and every retry fail, then the delivery ends.
        var attempts = 1 + fixture.Settings.WebhookRetrySchedule!.Count;
        var recorded = await Eventually.MatchAsync(
            () => (Attempts: fixture.Sandbox.GetDeliveries(account).Count, Underway: fixture.Sandbox.GetDeliveriesUnderway(account)),
            state => state.Attempts == attempts && state.Underway == 0,
            "every attempt to be recorded and the delivery to end");
        Assert.Equal(1, during);
        Assert.Equal(attempts, recorded.Attempts);
    }
}
