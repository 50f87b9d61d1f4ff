using AmoHub.ServiceDefaults;
using AmoHub.ServiceDefaults.Security;
using AmoHub.WebApi.Accounts;
using AmoHub.WebApi.Crm;
using AmoHub.WebApi.Hosting;
using AmoHub.WebApi.Maintenance;
using AmoHub.WebApi.Monitoring;
using AmoHub.WebApi.Notifications;
using AmoHub.WebApi.Operations;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using Orleans.Dashboard;

namespace AmoHub.WebApi;

/// <summary>
/// The HTTP surface of AmoHub. A separate WebApi process and an all-in-one silo both call these two methods,
/// so the endpoints are the same wherever they run.
/// </summary>
public static class WebApiExtensions
{
    /// <summary>Where the Orleans dashboard for operators is served.</summary>
    public const string OrleansDashboardPath = "/orleans";

    /// <summary>Registers what the endpoints need: OpenAPI, the account resolver, the cluster readiness check.</summary>
    public static IServiceCollection AddAmoHubWebApi(this IServiceCollection services)
    {
        services.AddOpenApi(options => options.AddOperationTransformer(RequestAccount.DocumentAsync));
        services.AddSingleton<AccountResolver>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddExceptionHandler<AmoCrmExceptionHandler>();
        services.AddExceptionHandler<StorageUnavailableExceptionHandler>();
        services.AddExceptionHandler<InvalidFieldExceptionHandler>();
        services.AddOptions<WebhookSettings>().BindConfiguration(WebhookSettings.Section);
        services.Configure<FormOptions>(options => options.ValueCountLimit = 50_000);
        services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: [AmoHubDefaults.ReadyTag]);
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
    /// Adds the security middleware and maps the API, the OpenAPI document, health and metrics endpoints, the Orleans
    /// dashboard (admin only) and the dashboard's static files.
    /// </summary>
    public static WebApplication MapAmoHubWebApi(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseResponseCompression();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAmoHubDefaults();
        app.UseCharsetGuard();
        app.MapOpenApi("/openapi/{documentName}.json").RequireAuthorization(AccessPolicies.Read);
        app.MapOrleansDashboard(OrleansDashboardPath).RequireAuthorization(AccessPolicies.Admin).OfferBrowserLogin();
        app.MapStatusApi();
        app.MapIncidentsApi();
        app.MapStreamApi();
        app.MapAccountsApi();
        app.MapMonitoringApis();
        app.MapNotificationsApi();
        app.MapMaintenanceApi();
        app.MapClusterApi();
        app.MapContactsApi();
        app.MapLeadsApi();
        app.MapOperationsApi();
        app.MapAmoCrmWebhooksApi();

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
