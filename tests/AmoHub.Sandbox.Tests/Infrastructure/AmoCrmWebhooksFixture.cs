namespace AmoHub.Sandbox.Tests.Infrastructure;

/// <summary>
/// A sandbox with amoCRM's own webhook retry schedule (5, 15, 15, 60 minutes) and disabling threshold (more than 100
/// failures), on a webhook clock <paramref name="clockFactor"/> times faster than the wall clock.
/// </summary>
public abstract class AmoCrmWebhooksFixture(double clockFactor) : SandboxFixture(settings =>
{
    settings.WebhookRetrySchedule = null;
    settings.DisableWebhookAfterFailures = 100;
    settings.ClockFactor = clockFactor;
});

/// <summary>amoCRM's webhook clock in real time: a retry waits at least 5 minutes, longer than any test.</summary>
public sealed class AmoCrmRealTimeFixture() : AmoCrmWebhooksFixture(1);

/// <summary>amoCRM's webhook clock 6,000 times faster: 5 minutes take 50 ms, all four retries about a second.</summary>
public sealed class AmoCrmFastClockFixture() : AmoCrmWebhooksFixture(6_000);
