using System.ComponentModel.DataAnnotations;
using System.Net;

namespace AmoHub.ServiceDefaults.Configuration;

/// <summary>Settings under <c>AmoHub:Cluster</c>: how silos and clients find each other.</summary>
public sealed class ClusterSettings : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:Cluster";

    /// <summary>Silos and clients with the same cluster id form one cluster.</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,100}$", ErrorMessage = "must be 1-100 letters, digits, dots, dashes or underscores.")]
    public string ClusterId { get; set; } = "amohub";

    /// <summary>Grain state and reminders belong to the service id: keep it across deployments.</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,100}$", ErrorMessage = "must be 1-100 letters, digits, dots, dashes or underscores.")]
    public string ServiceId { get; set; } = "amohub";

    /// <summary>Port for silo-to-silo traffic.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients (the WebApi) connect to.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients reach this silo at; defaults to <c>POD_IP</c>, else loopback.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>
    /// Whether the silo runs Orleans' Kubernetes hosting (pod labels, silo name and address from the pod, and a
    /// silo whose pod is gone is declared dead at once). Unset means "when running in a Kubernetes pod":
    /// <c>KUBERNETES_SERVICE_HOST</c> and <c>POD_NAME</c> are both set.
    /// </summary>
    public bool? Kubernetes { get; set; }

    /// <summary>Whether Kubernetes hosting is on, by <see cref="Kubernetes"/> or by the pod's environment.</summary>
    public bool RunsInKubernetes() =>
        Kubernetes ?? (Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") is { Length: > 0 }
                       && Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 });

    /// <summary>The advertised address, resolved.</summary>
    public IPAddress ResolveAdvertisedAddress() =>
        IPAddress.Parse(AdvertisedAddress ?? Environment.GetEnvironmentVariable("POD_IP") ?? "127.0.0.1");

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AdvertisedAddress is not null && !IPAddress.TryParse(AdvertisedAddress, out _))
        {
            yield return new ValidationResult("must be an IP address.", [nameof(AdvertisedAddress)]);
        }

        if (SiloPort == GatewayPort)
        {
            yield return new ValidationResult("must differ from AmoHub:Cluster:GatewayPort.", [nameof(SiloPort)]);
        }
    }
}
