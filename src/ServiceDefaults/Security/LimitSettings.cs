using System.ComponentModel.DataAnnotations;

namespace AmoHub.ServiceDefaults.Security;

/// <summary>
/// Settings under <c>AmoHub:Limits</c>: how many requests a caller may send per window (counted per API key, or per
/// client address without one), how many live streams it may hold open, and how large a request body may be.
/// </summary>
public sealed class LimitSettings : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:Limits";

    /// <summary>Requests one key or address may send per <see cref="Window"/>.</summary>
    [Range(1, 10_000_000)]
    public int RequestsPerWindow { get; set; } = 1_000;

    /// <summary>Requests to the amoCRM webhook receiver one address may send per <see cref="Window"/> (amoCRM retries).</summary>
    [Range(1, 10_000_000)]
    public int WebhookRequestsPerWindow { get; set; } = 10_000;

    /// <summary>The rate limits' fixed window.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The largest request body in bytes (1 MiB).</summary>
    [Range(1_024, long.MaxValue)]
    public long MaxBodySize { get; set; } = 1_048_576;

    /// <summary>The largest webhook delivery in bytes (16 MiB: amoCRM batches many events into one form).</summary>
    [Range(1_024, long.MaxValue)]
    public long WebhookMaxBodySize { get; set; } = 16_777_216;

    /// <summary>Live event streams (<c>/api/stream</c>) one API key may hold open at once.</summary>
    [Range(1, 100_000)]
    public int MaxStreamsPerKey { get; set; } = 20;

    /// <summary>Live event streams one client address may hold open at once, whatever keys it uses.</summary>
    [Range(1, 100_000)]
    public int MaxStreamsPerAddress { get; set; } = 50;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Window < TimeSpan.FromSeconds(1) || Window > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult("must be between 00:00:01 and 01:00:00.", [nameof(Window)]);
        }
    }
}

/// <summary>Settings under <c>AmoHub:Cors</c>: browsers on these origins may call the API; none by default (CORS off).</summary>
public sealed class CorsSettings : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:Cors";

    /// <summary>Allowed origins, e.g. <c>https://ops.example.com</c>.</summary>
    public List<string> Origins { get; set; } = [];

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Origins.Count; i++)
        {
            if (!Uri.TryCreate(Origins[i], UriKind.Absolute, out var origin) || origin.Scheme is not ("http" or "https")
                || origin.AbsolutePath != "/" || Origins[i].EndsWith('/'))
            {
                yield return new ValidationResult("must be an origin such as https://ops.example.com (scheme, host and port, no path).",
                    [$"{nameof(Origins)}:{i}"]);
            }
        }
    }
}
