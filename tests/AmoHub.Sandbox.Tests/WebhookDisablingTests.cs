using System.Net;
using System.Text.Json;
using AmoHub.Sandbox.Tests.Infrastructure;

namespace AmoHub.Sandbox.Tests;

public sealed class WebhookDisablingTests(AmoCrmRealTimeFixture fixture) : ReceiverTests, IClassFixture<AmoCrmRealTimeFixture>
{
    [Fact]
    public async Task The_101st_failure_disables_the_webhook_drops_its_pending_retries_and_subscribing_again_enables_it()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var destination = await Receiver.SubscribeAsync(client, "fail", "add_contact");

        for (var i = 1; i <= 100; i++)
        {
            fixture.Sandbox.CreateContactAsUser(account, $"Контакт {i}");
        }

        // Each failed first attempt waits 5 minutes for its retry: all 100 stay underway.
        var hundred = await Eventually.MatchAsync(
            () => (Attempts: fixture.Sandbox.GetDeliveries(account).Count, Underway: fixture.Sandbox.GetDeliveriesUnderway(account)),
            state => state.Attempts == 100,
            "100 failed first attempts");
        var enabled = await WebhookAsync(client);
        fixture.Sandbox.CreateContactAsUser(account, "Контакт 101");
        var dropped = await Eventually.MatchAsync(
            () => (Log: fixture.Sandbox.GetDeliveries(account), Underway: fixture.Sandbox.GetDeliveriesUnderway(account)),
            state => state.Log.Count == 101 && state.Underway == 0,
            "the 101st failure to disable the webhook and drop every pending retry");
        var disabled = await WebhookAsync(client);
        fixture.Sandbox.CreateContactAsUser(account, "Пока выключен");
        var whileDisabled = (Attempts: fixture.Sandbox.GetDeliveries(account).Count, Underway: fixture.Sandbox.GetDeliveriesUnderway(account));
        await client.SubscribeWebhookAsync(destination, "add_contact");
        var reenabled = await WebhookAsync(client);
        fixture.Sandbox.CreateContactAsUser(account, "После подписки");
        var afterSubscribing = await Eventually.MatchAsync(
            () => fixture.Sandbox.GetDeliveries(account), log => log.Count == 102, "a delivery after subscribing again");

        Assert.Equal(100, hundred.Underway);
        Assert.False(enabled.GetProperty("disabled").GetBoolean());
        Assert.All(dropped.Log, attempt => Assert.Equal(1, attempt.Attempt));
        Assert.True(disabled.GetProperty("disabled").GetBoolean());
        Assert.Equal((101, 0), whileDisabled);
        Assert.False(reenabled.GetProperty("disabled").GetBoolean());
        Assert.Equal("После подписки", afterSubscribing[^1].Field("contacts[add][0][name]"));
    }

    [Fact]
    public async Task Unsubscribing_drops_the_pending_retries()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var destination = await Receiver.SubscribeAsync(client, "fail", "add_contact");
        fixture.Sandbox.CreateContactAsUser(account, "Анна");
        await Eventually.MatchAsync(() => fixture.Sandbox.GetDeliveries(account).Count, count => count == 1, "the failed first attempt");

        using (var removed = await client.DeleteJsonAsync("api/v4/webhooks", $$"""{"destination":"{{destination}}"}"""))
        {
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }

        await Eventually.MatchAsync(() => fixture.Sandbox.GetDeliveriesUnderway(account), underway => underway == 0, "the retry to be dropped");
        Assert.Single(fixture.Sandbox.GetDeliveries(account));
    }

    /// <summary>The account's only webhook as <c>GET api/v4/webhooks</c> lists it.</summary>
    private static async Task<JsonElement> WebhookAsync(HttpClient client)
    {
        using var response = await client.GetAsync("api/v4/webhooks");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Assert.Single((await response.ReadJsonAsync()).GetProperty("_embedded").GetProperty("webhooks").EnumerateArray());
    }
}
