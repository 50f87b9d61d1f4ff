using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace AmoHub.ServiceDefaults.Security;

/// <summary>
/// Settings under <c>AmoHub:Auth</c>: the API keys of the deployment (their SHA-256 hashes, never the keys), whether
/// reads need a key, and who may scrape <c>/metrics</c>. Without keys AmoHub is open (operator endpoints answer on
/// loopback only).
/// </summary>
public sealed class AuthSettings : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:Auth";

    /// <summary>The keys: <c>AmoHub:Auth:Keys:N:Name</c>, <c>…:Hash</c>, <c>…:Role</c>.</summary>
    public List<ApiKeySettings> Keys { get; set; } = [];

    /// <summary>Reads (the dashboard, monitoring GETs, the stream) are open to callers without a key.</summary>
    public bool AnonymousRead { get; set; }

    /// <summary>The role a caller needs for <c>/metrics</c>; <c>Anonymous</c> opens it to scrapers without a key.</summary>
    public AccessRole MetricsAccess { get; set; } = AccessRole.Read;

    /// <summary>Whether any key is configured, which turns authentication on.</summary>
    public bool Enabled => Keys.Count > 0;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Keys.Count; i++)
        {
            var key = Keys[i];
            var prefix = string.Create(CultureInfo.InvariantCulture, $"{nameof(Keys)}:{i}:");
            if (string.IsNullOrWhiteSpace(key.Name) || key.Name.Length > 100)
            {
                yield return new ValidationResult("must name the key (1-100 characters), for logs and rate limits.", [prefix + nameof(ApiKeySettings.Name)]);
            }

            if (!ApiKeyHash.IsValid(key.Hash))
            {
                yield return new ValidationResult(
                    "must be the SHA-256 of the key as 64 hexadecimal digits (printf %s \"$KEY\" | sha256sum), never the key itself.",
                    [prefix + nameof(ApiKeySettings.Hash)]);
            }

            if (key.Role is not (AccessRole.Read or AccessRole.Write or AccessRole.Admin))
            {
                yield return new ValidationResult("must be Read, Write or Admin.", [prefix + nameof(ApiKeySettings.Role)]);
            }
        }

        var duplicate = Keys.Where(k => ApiKeyHash.IsValid(k.Hash)).GroupBy(k => k.Hash!.ToUpperInvariant()).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            yield return new ValidationResult("holds the same key hash twice.", [nameof(Keys)]);
        }
    }
}

/// <summary>One API key: <c>AmoHub:Auth:Keys:N</c>.</summary>
public sealed class ApiKeySettings
{
    /// <summary>Who holds the key (shown in logs and used to count its requests; never the key).</summary>
    public string? Name { get; set; }

    /// <summary>The SHA-256 of the key, 64 hexadecimal digits.</summary>
    public string? Hash { get; set; }

    /// <summary>What the key may do.</summary>
    public AccessRole Role { get; set; } = AccessRole.Read;
}
