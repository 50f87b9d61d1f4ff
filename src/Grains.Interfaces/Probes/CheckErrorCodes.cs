

namespace AmoHub.Grains.Interfaces.Probes;

/// <summary>The machine-readable reasons a check result is not up, as stored in <c>check_results.error_code</c>.</summary>
public static class CheckErrorCodes
{
    /// <summary>No answer within the probe's timeout.</summary>
    public const string Timeout = "timeout";

    /// <summary>The connection failed (refused, reset, DNS, TLS).</summary>
    public const string ConnectionFailed = "connection_failed";

    /// <summary>A 5xx answer.</summary>
    public const string ServerError = "server_error";

    /// <summary>A 4xx answer other than the ones below.</summary>
    public const string ClientError = "client_error";

    /// <summary>The token was refused (401); a refresh may still fix it.</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>
    /// amoCRM refuses AmoHub's credentials for good (a long-lived token refused, a refresh refused, none configured):
    /// the integration must be authorized again in amoCRM.
    /// </summary>
    public const string Reauthorize = "reauthorize";

    /// <summary>The integration lacks rights (403).</summary>
    public const string Forbidden = "forbidden";

    /// <summary>amoCRM answered 429.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>amoCRM blocked the integration (403 after repeated 429s).</summary>
    public const string Blocked = "blocked";

    /// <summary>Answered, but slower than the warning or down threshold.</summary>
    public const string Slow = "slow";

    /// <summary>Repeated warnings escalated to down.</summary>
    public const string Escalated = "escalated";

    /// <summary>The check cannot run because something it needs is not configured (test lead, test contact, webhook).</summary>
    public const string NotConfigured = "not_configured";

    /// <summary>Digital Pipeline: the write succeeded but the webhook carrying the marker never came.</summary>
    public const string NoWebhook = "no_webhook";

    /// <summary>amoCRM answered 402: the account's plan or payment does not allow the API.</summary>
    public const string PaymentRequired = "payment_required";

    /// <summary>HOOK: AmoHub's webhook destination is no longer among the account's webhooks.</summary>
    public const string WebhookMissing = "webhook_missing";

    /// <summary>HOOK: amoCRM switched AmoHub's webhook off after too many failed deliveries.</summary>
    public const string WebhookDisabled = "webhook_disabled";

    /// <summary>The code for an HTTP status that is not a success.</summary>
    public static string ForHttpStatus(int status) => status switch
    {
        401 => Unauthorized,
        402 => PaymentRequired,
        403 => Forbidden,
        429 => RateLimited,
        >= 500 => ServerError,
        _ => ClientError,
    };
}
