using System.ComponentModel.DataAnnotations;
using System.Net;

namespace AmoHub.ServiceDefaults.Security;

/// <summary>
/// Settings under <c>AmoHub:Network</c>: the reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>
/// AmoHub believes. A forwarded header from any other address is ignored, so a caller cannot pick the address its
/// rate limit counts against, nor pose as loopback. With none configured only loopback proxies are believed.
/// </summary>
public sealed class NetworkSettings : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:Network";

    /// <summary>Addresses of trusted proxies, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Address ranges of trusted proxies in CIDR notation, e.g. <c>10.0.0.0/8</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>Whether any proxy is configured: then AmoHub reads forwarded headers by itself.</summary>
    public bool HasProxies => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    /// <summary>The configured proxies as addresses.</summary>
    public IEnumerable<IPAddress> Proxies => KnownProxies.Select(IPAddress.Parse);

    /// <summary>The configured ranges as networks.</summary>
    public IEnumerable<IPNetwork> Networks => KnownNetworks.Select(network => IPNetwork.Parse(network));

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(KnownProxies[i], out _))
            {
                yield return new ValidationResult("must be an IP address such as 10.0.0.5.", [$"{nameof(KnownProxies)}:{i}"]);
            }
        }

        for (var i = 0; i < KnownNetworks.Count; i++)
        {
            if (!IPNetwork.TryParse(KnownNetworks[i], out _))
            {
                yield return new ValidationResult("must be an address range in CIDR notation such as 10.0.0.0/8.", [$"{nameof(KnownNetworks)}:{i}"]);
            }
        }
    }
}
