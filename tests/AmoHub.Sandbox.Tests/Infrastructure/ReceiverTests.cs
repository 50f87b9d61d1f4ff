namespace AmoHub.Sandbox.Tests.Infrastructure;

/// <summary>Tests that subscribe webhooks to a <see cref="WebhookReceiver"/> of their own, started for each test.</summary>
public abstract class ReceiverTests : IAsyncLifetime
{
    protected WebhookReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync() => Receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await Receiver.DisposeAsync();
}
