using AmoHub.ServiceDefaults;
using AmoHub.ServiceDefaults.Configuration;
using AmoHub.ServiceDefaults.Security;
using AmoHub.WebApi.Accounts;
using AmoHub.WebApi.Crm;
using AmoHub.WebApi.Hosting;
using AmoHub.WebApi.Maintenance;
using AmoHub.WebApi.Monitoring;
using AmoHub.WebApi.Notifications;
using AmoHub.WebApi.Operations;
using AmoHub.WebApi.StatusPage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using Orleans.Dashboard;
using Scalar.AspNetCore;

namespace AmoHub.WebApi;

/// <summary>
/// The HTTP surface of AmoHub. A separate WebApi process and an all-in-one silo both call these two methods,
/// so the endpoints are the same wherever they run.
/// </summary>
public static class WebApiExtensions
{
    /// <summary>Where the Orleans dashboard for operators is served.</summary>
    public const string OrleansDashboardPath = "/orleans";

    /// <summary>Where the API reference (Scalar over the OpenAPI document) is served.</summary>
    public const string DocsPath = "/docs";

    /// <summary>Where the OpenAPI documents are served.</summary>
    public const string OpenApiPattern = "/openapi/{documentName}.json";

    /// <summary>Registers what the endpoints need: OpenAPI, the account resolver, the cluster readiness check, the status page's settings.</summary>
    public static IServiceCollection AddAmoHubWebApi(this IServiceCollection services)
    {
        services.AddOpenApi(options => options.AddOperationTransformer(RequestAccount.DocumentAsync).AddOperationTransformer(ApiDocs.DocumentAsync));
        services.AddSingleton<AccountResolver>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddExceptionHandler<AmoCrmExceptionHandler>();
        services.AddExceptionHandler<StorageUnavailableExceptionHandler>();
        services.AddExceptionHandler<InvalidFieldExceptionHandler>();
        services.AddOptions<WebhookSettings>().BindConfiguration(WebhookSettings.Section);
        services.Configure<FormOptions>(options => options.ValueCountLimit = 50_000);
        services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: [AmoHubDefaults.ReadyTag]);
        services.AddSingleton(provider => ValidatedSettings.Get<StatusPageSettings>(provider.GetRequiredService<IConfiguration>(), StatusPageSettings.Section));
        services.AddSingleton<StatusBoard>();
        services.AddSingleton<IMaintenanceSource, ScheduledMaintenance>();
        services.AddSingleton<LiveFeed>();
        services.AddSingleton<StreamSlots>();
        services.AddHostedService(provider => provider.GetRequiredService<LiveFeed>());
        services.AddResponseCompression(options =>
        {
            options.EnableForHttps = true;
            options.MimeTypes = [.. ResponseCompressionDefaults.MimeTypes, "application/problem+json", "text/csv"];
        });
        return services;
    }

    /// <summary>
    /// Adds the security middleware and maps the API, the OpenAPI document and its reference at <c>/docs</c>, health
    /// and metrics endpoints, the Orleans dashboard (admin only), the status page and the dashboard's static files.
    /// </summary>
    public static WebApplication MapAmoHubWebApi(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseResponseCompression();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAmoHubDefaults();
        app.UseCharsetGuard();
        app.MapOpenApi(OpenApiPattern).RequireAuthorization(AccessPolicies.Read).OfferBrowserLogin();
        app.MapScalarApiReference(DocsPath, options => options
                .WithTitle("AmoHub API")
                .DisableDefaultFonts()
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools()
                .WithNonce()
                .ExpandAllTags()
                .OpenApiRoutePattern = OpenApiPattern)
            .RequireAuthorization(AccessPolicies.Read)
            .OfferBrowserLogin();
        if (ValidatedSettings.Get<OrleansDashboardSettings>(app.Configuration, OrleansDashboardSettings.Section).Enabled)
        {
            app.MapOrleansDashboard(OrleansDashboardPath).RequireAuthorization(AccessPolicies.Admin).OfferBrowserLogin().ExcludeFromDescription();
        }

        app.MapStatusApi();
        app.MapIncidentsApi();
        app.MapStreamApi();
        app.MapAccountsApi();
        app.MapMonitoringApis();
        app.MapNotificationsApi();
        app.MapOutagesApi();
        app.MapMaintenanceApi();
        app.MapClusterApi();
        app.MapContactsApi();
        app.MapLeadsApi();
        app.MapOperationsApi();
        app.MapAmoCrmWebhooksApi();
        app.MapStatusPage();

        var dashboard = Path.Combine(AppContext.BaseDirectory, "dashboard");
        if (Directory.Exists(dashboard))
        {
            var files = new PhysicalFileProvider(dashboard);
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            // The files keep their names from build to build, so browsers revalidate them (ETag) rather than keep an old build.
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = files,
                OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
            });
        }

        return app;
    }
}
