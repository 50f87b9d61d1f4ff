using AmoHub.ServiceDefaults.Configuration;
using AmoHub.ServiceDefaults.Security;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace AmoHub.ServiceDefaults;

/// <summary>
/// What every AmoHub process has: configuration sources, the database, problem details, security (API keys, rate
/// and size limits, CORS), telemetry and health endpoints.
/// </summary>
public static class AmoHubDefaults
{
    /// <summary>Tag of the health checks that decide readiness.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Adds the reference deployments' variable names as a configuration source, binds and checks the storage and
    /// shutdown settings (a bad one throws, naming its key), and registers the database, problem details, health
    /// checks, security and telemetry.
    /// </summary>
    public static AmoHubDatabase AddAmoHubDefaults(this WebApplicationBuilder builder)
    {
        AddLegacyEnvironmentVariables(builder.Configuration);

        var storage = ValidatedSettings.Get<StorageSettings>(builder.Configuration, StorageSettings.Section);
        var database = AmoHubDatabase.From(storage, Environment.CurrentDirectory);
        var shutdown = ValidatedSettings.Get<ShutdownSettings>(builder.Configuration, ShutdownSettings.Section);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = shutdown.ShutdownTimeout);
        builder.Services.AddSingleton(storage);
        builder.Services.AddSingleton(database);
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag]);
        builder.Services.AddSingleton<IHealthCheckPublisher, HealthMetrics>();
        builder.AddAmoHubSecurity();
        builder.AddAmoHubTelemetry();
        return database;
    }

    /// <summary>
    /// Adds the security middleware, then maps <c>/health/live</c> (the process answers), <c>/health/ready</c>
    /// (every ready check passes), both open and never rate limited, and <c>/metrics</c>.
    /// </summary>
    public static WebApplication UseAmoHubDefaults(this WebApplication app)
    {
        app.UseAmoHubSecurity();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).DisableRateLimiting();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) }).DisableRateLimiting();
        app.MapAmoHubMetrics();
        return app;
    }

    private static void AddLegacyEnvironmentVariables(ConfigurationManager configuration)
    {
        var sources = configuration.Sources;
        var firstEnvironmentSource = sources
            .Select((source, index) => (source, index))
            .FirstOrDefault(pair => pair.source is EnvironmentVariablesConfigurationSource);
        var position = firstEnvironmentSource.source is null ? sources.Count : firstEnvironmentSource.index;
        sources.Insert(position, new LegacyEnvironmentVariables());
    }
}
