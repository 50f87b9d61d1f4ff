using System.ComponentModel.DataAnnotations;

namespace AmoHub.ServiceDefaults.Configuration;

/// <summary>Settings under <c>AmoHub:Hosting</c> that every AmoHub process reads: how it stops.</summary>
public sealed class ShutdownSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:Hosting";

    /// <summary>
    /// How long a SIGTERM may take: requests in flight finish, the silo hands its grains over (deactivating them
    /// with their state written) and leaves the cluster. Keep it below Kubernetes' terminationGracePeriodSeconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
