using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AmoHub.WebApi.Hosting;

/// <summary>Ready only while at least one silo of the cluster is active and answers.</summary>
public sealed class ClusterHealthCheck(IClusterClient client) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, cancellationToken);
            return hosts.Count > 0
                ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s).")
                : HealthCheckResult.Unhealthy("No active silo.");
        }
        catch (Exception exception) when (exception is OrleansException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"The cluster does not answer: {exception.GetType().Name}.");
        }
    }
}
