using AmoHub.Sandbox.Tests.Infrastructure;

namespace AmoHub.Sandbox.Tests;

public sealed class WebhookRetryTests(AmoCrmFastClockFixture fixture) : ReceiverTests, IClassFixture<AmoCrmFastClockFixture>
{
    [Fact]
    public async Task A_failed_delivery_is_tried_again_four_times_as_amoCRM_does_and_then_given_up()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var destination = await Receiver.SubscribeAsync(client, "fail", "add_contact");

        await client.CreateContactsAsync("""[{"name":"Анна"}]""");

        var attempts = await Eventually.MatchAsync(
            () => (Log: fixture.Sandbox.GetDeliveries(account), Underway: fixture.Sandbox.GetDeliveriesUnderway(account)),
            state => state.Log.Count >= 5 && state.Underway == 0,
            "the first attempt, four retries and the end of the delivery");
        Assert.Equal([1, 2, 3, 4, 5], attempts.Log.Select(attempt => attempt.Attempt));
        Assert.All(attempts.Log, attempt => Assert.Equal("Анна", attempt.Field("contacts[add][0][name]")));
        Assert.Equal(5, (await Receiver.WaitForAsync(destination, 5)).Count);
    }
}
