using AmoHub.Sandbox.Tests.Infrastructure;

namespace AmoHub.Sandbox.Tests;

/// <summary>amoCRM's retry schedule, on a webhook clock 6,000 times faster than the wall clock: 5 minutes take 50 ms.</summary>
public sealed class AmoCrmClockFixture() : SandboxFixture(settings =>
{
    settings.WebhookRetrySchedule = null;
    settings.ClockFactor = 6_000;
    settings.DisableWebhookAfterFailures = 100;
});

public sealed class WebhookRetryTests(AmoCrmClockFixture fixture) : IClassFixture<AmoCrmClockFixture>, IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task A_failed_delivery_is_tried_again_four_times_as_amoCRM_does_and_then_given_up()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var destination = _receiver.Destination("fail");
        using (var subscribed = await client.PostJsonAsync("api/v4/webhooks", $$"""{"destination":"{{destination}}","settings":["add_contact"]}"""))
        {
            subscribed.EnsureSuccessStatusCode();
        }

        await client.CreateContactsAsync("""[{"name":"Анна"}]""");

        var attempts = await Eventually.MatchAsync(
            () => (Log: fixture.Sandbox.GetDeliveries(account), Underway: fixture.Sandbox.GetDeliveriesUnderway(account)),
            state => state.Log.Count >= 5 && state.Underway == 0,
            "the first attempt, four retries and the end of the delivery");
        Assert.Equal([1, 2, 3, 4, 5], attempts.Log.Select(attempt => attempt.Attempt));
        Assert.All(attempts.Log, attempt => Assert.Equal("Анна", attempt.Field("contacts[add][0][name]")));
        Assert.Equal(5, (await _receiver.WaitForAsync(destination, 5)).Count);
    }
}
