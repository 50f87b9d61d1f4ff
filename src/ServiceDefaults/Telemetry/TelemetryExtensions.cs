using AmoHub.ServiceDefaults.Configuration;
using AmoHub.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AmoHub.ServiceDefaults.Telemetry;

/// <summary>Settings under <c>AmoHub:Logging</c>.</summary>
public sealed class LoggingSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:Logging";

    /// <summary>
    /// Console logs as one JSON object a line, with scopes (trace and span ids among them); by default on in a
    /// container (<c>DOTNET_RUNNING_IN_CONTAINER</c>) and off elsewhere, where people read the console.
    /// </summary>
    public bool? Json { get; set; }
}

/// <summary>
/// OpenTelemetry for every AmoHub process: metrics of ASP.NET Core, HttpClient, Orleans, the .NET runtime
/// (<c>System.Runtime</c>: GC, thread pool, exceptions, CPU, working set) and AmoHub's own meters,
/// scraped at <c>/metrics</c>; when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, traces of ASP.NET Core, HttpClient
/// and Orleans too, and everything exported over OTLP; structured console logs.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>Where Prometheus scrapes.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The activity sources and meters Orleans publishes.</summary>
    private static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>Registers logging, tracing and metrics.</summary>
    public static WebApplicationBuilder AddAmoHubTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var logging = ValidatedSettings.Get<LoggingSettings>(builder.Configuration, LoggingSettings.Section);
        AccountLabels.Use(new AccountLabels(ValidatedSettings.Get<AccountLabelSettings>(builder.Configuration, AccountLabelSettings.Section)));
        if (logging.Json ?? string.Equals(Environment.GetEnvironmentVariable("DOTNET_RUNNING_IN_CONTAINER"), "true", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddJsonConsole(options =>
            {
                options.IncludeScopes = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } named ? named : builder.Environment.ApplicationName;
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: Environment.MachineName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter("Microsoft.Orleans")
                .AddMeter("System.Runtime")
                .AddMeter("AmoHub.*")
                .AddPrometheusExporter());

        // Traces are recorded only when they have somewhere to go: recording a span for every request and grain
        // call and dropping it cost about 7% of the throughput of answering a known phone.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry
                .WithTracing(tracing => tracing
                    .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsPlumbing(context.Request.Path))
                    .AddHttpClientInstrumentation()
                    .AddSource(OrleansSources)
                    .AddSource("AmoHub.*"))
                .UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Maps <c>/metrics</c> (Prometheus text) behind the <see cref="AccessPolicies.Metrics"/> policy.</summary>
    public static WebApplication MapAmoHubMetrics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPrometheusScrapingEndpoint(MetricsPath)
            .RequireAuthorization(AccessPolicies.Metrics)
            .DisableRateLimiting();
        return app;
    }

    /// <summary>Health probes and scrapes: traced, they would drown the requests people make.</summary>
    private static bool IsPlumbing(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments(MetricsPath);
}
