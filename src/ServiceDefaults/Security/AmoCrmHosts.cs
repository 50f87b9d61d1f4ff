using System.ComponentModel.DataAnnotations;
using System.Net;

namespace AmoHub.ServiceDefaults.Security;

/// <summary>
/// Where an account added or moved over the API may point (<c>AmoHub:AmoCrm:AllowedHosts</c>): AmoHub sends the
/// account's tokens and client secret to that host, so it must be amoCRM's. An entry is a domain (it and its
/// subdomains match) or an exact IP address. Without entries, amoCRM's and Kommo's domains, over HTTPS. Accounts
/// from configuration are the operator's word and are not checked; the built-in sandbox is allowed while it runs.
/// </summary>
public sealed class AmoCrmHosts : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:AmoCrm";

    /// <summary>The longest base URL an account may have.</summary>
    public const int MaxBaseUrlLength = 2048;

    private static readonly string[] AmoCrmDomains = ["amocrm.ru", "amocrm.com", "kommo.com"];

    /// <summary>Domains or IP addresses that replace amoCRM's and Kommo's domains.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Whether an account's amoCRM address may be <paramref name="url"/>; null when it may, else why not.</summary>
    public string? Refuse(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (AllowedHosts.Count == 0)
        {
            return url.Scheme == Uri.UriSchemeHttps && Matches(url.IdnHost, AmoCrmDomains)
                ? null
                : "must be an https address of amoCRM or Kommo (*.amocrm.ru, *.amocrm.com, *.kommo.com); other hosts need AmoHub:AmoCrm:AllowedHosts.";
        }

        return Matches(url.IdnHost, AllowedHosts) ? null : "must be on a host AmoHub:AmoCrm:AllowedHosts allows.";
    }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < AllowedHosts.Count; i++)
        {
            var host = AllowedHosts[i];
            if (!IPAddress.TryParse(host, out _) && Uri.CheckHostName(host) != UriHostNameType.Dns)
            {
                yield return new ValidationResult("must be a domain such as amocrm.ru or an IP address, without scheme, port or path.",
                    [$"{nameof(AllowedHosts)}:{i}"]);
            }
        }
    }

    private static bool Matches(string host, IEnumerable<string> allowed) => allowed.Any(entry =>
        string.Equals(host, entry, StringComparison.OrdinalIgnoreCase)
        || (!IPAddress.TryParse(entry, out _) && host.EndsWith("." + entry, StringComparison.OrdinalIgnoreCase)));
}
