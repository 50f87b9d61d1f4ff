using Microsoft.Extensions.Logging;

namespace AmoHub.Sandbox;

/// <summary>The sandbox's log messages. Destinations are never logged: their path carries the subscriber's secret.</summary>
internal static partial class SandboxLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "The amoCRM sandbox listens on {Url}")]
    public static partial void Listening(ILogger logger, Uri url);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "The sandbox account {Subdomain} comes into existence with id {AccountId}")]
    public static partial void AccountCreated(ILogger logger, string subdomain, long accountId);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "The sandbox blocks account {Subdomain}: more than {Limit} answers 429 within a minute")]
    public static partial void AccountBlocked(ILogger logger, string subdomain, int limit);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Webhook {WebhookId} of sandbox account {Subdomain}: attempt {Attempt} failed: {Error}")]
    public static partial void DeliveryFailed(ILogger logger, long webhookId, string subdomain, int attempt, string error);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "The sandbox disables webhook {WebhookId} of account {Subdomain} after {Failures} failed deliveries within 2 hours")]
    public static partial void WebhookDisabled(ILogger logger, long webhookId, string subdomain, int failures);
}
