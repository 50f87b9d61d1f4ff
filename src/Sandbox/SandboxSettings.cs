using System.ComponentModel.DataAnnotations;

namespace AmoHub.Sandbox;

/// <summary>Settings under <c>AmoHub:Sandbox</c>: the built-in amoCRM emulator.</summary>
public sealed class SandboxSettings : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:Sandbox";

    /// <summary>The account name the sandbox serves.</summary>
    public const string AccountName = "sandbox";

    /// <summary>
    /// Whether the sandbox runs. Unset means "when no amoCRM account is configured", so a new user sees live
    /// probes at once.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>
    /// Where the sandbox listens: its own loopback port, like a remote amoCRM host. Account <c>acme</c> lives at
    /// <c>{Url}acme/</c>. Port 0 picks a free port; <see cref="SandboxServer.Url"/> then tells which.
    /// </summary>
    public Uri Url { get; set; } = new("http://127.0.0.1:5081/");

    /// <summary>
    /// A long-lived access token valid for every account, forever (amoCRM's private-integration token). Empty
    /// means the server makes up a random one at start (<see cref="SandboxServer.AccessToken"/>).
    /// </summary>
    public string AccessToken { get; set; } = "";

    /// <summary>How long an access token issued by <c>oauth2/access_token</c> lives; amoCRM's is 24 hours.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>At most this many <c>/api/v4</c> requests per account in any sliding second; more get 429.</summary>
    [Range(1, 10_000)]
    public int RequestsPerSecond { get; set; } = 7;

    /// <summary>More than this many 429 answers within a minute block the account: every call then gets 403.</summary>
    [Range(1, 1_000_000)]
    public int BlockAfter429s { get; set; } = 100;

    /// <summary>How long the sandbox waits for a webhook subscriber to answer; amoCRM waits about 2 seconds.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many times a failed webhook delivery is tried again.</summary>
    [Range(0, 100)]
    public int WebhookRetries { get; set; } = 3;

    /// <summary>The pause before a failed webhook delivery is tried again.</summary>
    public TimeSpan WebhookRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>This many failed deliveries to one webhook within 2 hours disable it, as amoCRM does.</summary>
    [Range(1, 1_000_000)]
    public int DisableWebhookAfterFailures { get; set; } = 100;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Url.IsAbsoluteUri || Url.Scheme != Uri.UriSchemeHttp)
        {
            yield return new ValidationResult("must be an absolute http:// URL on this machine.", [nameof(Url)]);
        }
        else if (!Url.AbsolutePath.EndsWith('/'))
        {
            yield return new ValidationResult("must end with a slash: accounts live under it.", [nameof(Url)]);
        }

        if (AccessTokenLifetime <= TimeSpan.Zero)
        {
            yield return new ValidationResult("must be a positive time span.", [nameof(AccessTokenLifetime)]);
        }

        if (WebhookTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult("must be a positive time span.", [nameof(WebhookTimeout)]);
        }

        if (WebhookRetryDelay < TimeSpan.Zero)
        {
            yield return new ValidationResult("must not be negative.", [nameof(WebhookRetryDelay)]);
        }
    }
}
