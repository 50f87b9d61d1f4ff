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

    /// <summary>Where the sandbox listens: its own loopback port, like a remote amoCRM host.</summary>
    public Uri Url { get; set; } = new("http://127.0.0.1:5081/");

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Url.IsAbsoluteUri || Url.Scheme != Uri.UriSchemeHttp)
        {
            yield return new ValidationResult("must be an absolute http:// URL on this machine.", [nameof(Url)]);
        }
    }
}
