using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AmoHub.ServiceDefaults.Storage;

/// <summary>Ready only while the database answers a trivial query.</summary>
public sealed class DatabaseHealthCheck(AmoHubDatabase database) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{database.Provider} answers.");
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"{database.Provider} does not answer: {exception.GetType().Name}.");
        }
    }
}
