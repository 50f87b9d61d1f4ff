using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AmoHub.ServiceDefaults.Telemetry;

/// <summary>
/// The health checks' last results on the <c>AmoHub.Health</c> meter, <c>amohub.health.status</c> per check (1
/// healthy, 0.5 degraded, 0 unhealthy): readiness and the database as series Prometheus can alert on, where the
/// endpoint <c>/health/ready</c> is seen only by the kubelet. The health check service publishes every check's
/// result here periodically.
/// </summary>
public sealed class HealthMetrics : IHealthCheckPublisher
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "AmoHub.Health";

    private static readonly Meter Meter = new(MeterName);
    private static readonly ConcurrentDictionary<string, double> Statuses = new(StringComparer.Ordinal);

    private static readonly ObservableGauge<double> Status = Meter.CreateObservableGauge(
        "amohub.health.status", () => Statuses.Select(pair => new Measurement<double>(pair.Value, new KeyValuePair<string, object?>("check", pair.Key))),
        description: "A health check's last result: 1 healthy, 0.5 degraded, 0 unhealthy");

    /// <inheritdoc />
    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        foreach (var (name, entry) in report.Entries)
        {
            Statuses[name] = entry.Status switch
            {
                HealthStatus.Healthy => 1,
                HealthStatus.Degraded => 0.5,
                _ => 0,
            };
        }

        return Task.CompletedTask;
    }
}
