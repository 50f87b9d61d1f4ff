using System.Diagnostics.Metrics;
using AmoHub.ServiceDefaults.Telemetry;

namespace AmoHub.Grains.Crm.Webhooks;

/// <summary>
/// amoCRM's webhook events on the <c>AmoHub.Webhooks</c> meter: accepted (stored durably, answered 200) and applied
/// to AmoHub's copy, per account; the difference is the inbox still to apply.
/// </summary>
public static class WebhookMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "AmoHub.Webhooks";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Accepted = Meter.CreateCounter<long>(
        "amohub.webhook.events.accepted", unit: "{event}", description: "Webhook events stored durably and answered");

    private static readonly Counter<long> Applied = Meter.CreateCounter<long>(
        "amohub.webhook.events.applied", unit: "{event}", description: "Webhook events applied to AmoHub's copy");

    /// <summary>Counts <paramref name="events"/> accepted for <paramref name="account"/>.</summary>
    public static void CountAccepted(string account, int events) => Accepted.Add(events, AccountLabels.Current.Tag(account));

    /// <summary>Counts <paramref name="events"/> applied for <paramref name="account"/>.</summary>
    public static void CountApplied(string account, int events) => Applied.Add(events, AccountLabels.Current.Tag(account));
}
