using AmoHub.Grains.Accounts;
using AmoHub.Grains.AmoCrm;
using AmoHub.Grains.Crm;
using AmoHub.Grains.Interfaces.Accounts;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Monitoring;
using AmoHub.Grains.Notifications;
using AmoHub.Grains.Probes;
using AmoHub.Grains.Probes.DigitalPipeline;
using AmoHub.Grains.Security;
using AmoHub.Grains.Storage;
using AmoHub.Sandbox;
using AmoHub.ServiceDefaults;
using AmoHub.ServiceDefaults.Configuration;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.WebApi;
using Orleans.Dashboard;

namespace AmoHub.Silo;

/// <summary>Builds an AmoHub silo process from configuration.</summary>
public static class SiloHost
{
    /// <summary>
    /// Reads and checks every setting (a bad one throws <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>
    /// naming its key), then wires the silo and, for the all-in-one role, the API, dashboard and sandbox.
    /// </summary>
    public static WebApplication Build(string[] args)
    {
        // Settings files sit beside the binaries; relative paths in settings (the data folder) are taken from
        // the directory AmoHub is started in.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var database = builder.AddAmoHubDefaults();
        var configuration = builder.Configuration;
        var hosting = ValidatedSettings.Get<HostingSettings>(configuration, HostingSettings.Section);
        var cluster = ValidatedSettings.Get<ClusterSettings>(configuration, ClusterSettings.Section);
        var probes = ValidatedSettings.Get<ProbeSchedule>(configuration, ProbeSchedule.Section);
        builder.Services.AddSingleton(new PhoneNormalizer(ValidatedSettings.Get<PhoneSettings>(configuration, PhoneSettings.Section)));
        var monitoring = ValidatedSettings.Get<MonitoringSettings>(configuration, MonitoringSettings.Section);
        var sandbox = ValidatedSettings.Get<SandboxSettings>(configuration, SandboxSettings.Section);
        var accounts = ReadAccounts(configuration);

        var amoCrm = ValidatedSettings.Get<AmoCrmSettings>(configuration, AmoCrmSettings.Section);
        var notifications = ValidatedSettings.Get<NotificationOptions>(configuration, NotificationOptions.Section);
        var orleansDashboard = ValidatedSettings.Get<OrleansDashboardSettings>(configuration, OrleansDashboardSettings.Section);

        var runSandbox = hosting.Role == SiloRole.AllInOne && (sandbox.Enabled ?? accounts.Count == 0);
        if (runSandbox)
        {
            if (string.IsNullOrEmpty(sandbox.AccessToken))
            {
                sandbox.AccessToken = WebhookSecrets.Create();
            }

            accounts =
            [
                .. accounts,
                new ConfiguredAccount(
                    new AccountDefinition(SandboxSettings.AccountName, new Uri(sandbox.Url, SandboxSettings.AccountName + "/"), IsSandbox: true, FromConfiguration: true),
                    new AccountCredentials(sandbox.AccessToken, null, null, null, null, null),
                    probes.Enabled ? OwnUrl(configuration) : null),
            ];
            builder.Services.AddSingleton(sandbox);
            builder.Services.AddSingleton<SandboxServer>();
            builder.Services.AddHostedService(provider => provider.GetRequiredService<SandboxServer>());
        }

        // Order matters: hosted services start in this order and stop in reverse, so the schema exists before
        // the key ring that seals secrets is loaded and the silo starts, and the result writer drains after the
        // silo has stopped its grains.
        if (database.Provider == StorageProvider.Sqlite)
        {
            builder.Services.AddHostedService<SqliteHold>();
        }

        builder.Services.AddSingleton(NameKeyRekey.Step).AddSingleton<SchemaMigrator>();
        builder.Services.AddHostedService<SchemaMigrationService>();
        builder.Services.AddAmoHubSecretProtection();
        builder.Services.AddSingleton<HealthCheckLog>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<HealthCheckLog>());
        // How fast a silo that stopped answering is declared dead (AmoHub:Cluster:Membership:ProbeTimeout,
        // NumMissedProbesLimit, … as in Orleans' ClusterMembershipOptions).
        builder.Services.Configure<Orleans.Configuration.ClusterMembershipOptions>(configuration.GetSection(ClusterSettings.Section + ":Membership"));
        builder.UseOrleans(silo =>
        {
            silo.AddActivityPropagation()
                .UseAmoHubStorage(database, cluster, probes)
                .AddAmoHubGrains(probes, amoCrm, accounts)
                .AddAmoHubMonitoring(monitoring)
                .AddAmoHubNotifications(notifications);
            if (orleansDashboard.Enabled)
            {
                silo.AddDashboard(options => options.CounterUpdateIntervalMs = orleansDashboard.CounterUpdateIntervalMs);
            }
        });

        if (hosting.Role == SiloRole.AllInOne)
        {
            builder.Services.AddAmoHubWebApi();
        }

        var app = builder.Build();
        if (hosting.Role == SiloRole.AllInOne)
        {
            app.MapAmoHubWebApi();
            app.Services.GetRequiredService<DigitalPipelineWaiters>().HoldUntil(app.Lifetime.ApplicationStarted);
        }
        else
        {
            app.UseAmoHubDefaults();
        }

        return app;
    }

    /// <summary>
    /// The migrations-only run (<c>AmoHub.Silo --migrate</c>, the Kubernetes migration Job): applies the missing
    /// schema migrations to the configured database and returns; a second run finds nothing to do.
    /// </summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddAmoHubDefaults();
        builder.Services.AddSingleton(NameKeyRekey.Step).AddSingleton<SchemaMigrator>();
        await using var app = builder.Build();
        return await app.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(CancellationToken.None);
    }

    /// <summary>The database the settings name, resolved as a run would, without starting anything.</summary>
    public static AmoHubDatabase DatabaseOf(string[] args) =>
        WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory }).AddAmoHubDefaults();

    /// <summary>
    /// Where the sandbox reaches this process's webhook receiver: <c>AmoHub:Webhooks:PublicUrl</c>, or the first
    /// address it listens on (a wildcard host becomes localhost).
    /// </summary>
    private static Uri OwnUrl(IConfiguration configuration)
    {
        if (configuration["AmoHub:Webhooks:PublicUrl"] is { Length: > 0 } configured)
        {
            return new Uri(configured);
        }

        var first = (configuration["Urls"] ?? "http://localhost:5080").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        var url = first.Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal);
        return new Uri(url.EndsWith('/') ? url : url + "/");
    }

    private static IReadOnlyList<ConfiguredAccount> ReadAccounts(IConfiguration configuration)
    {
        var section = configuration.GetSection(AccountSettings.Section);
        return section.GetChildren()
            .Select(child => ValidatedSettings.Get<AccountSettings>(configuration, child.Path))
            .Select(settings => new ConfiguredAccount(settings.ToDefinition(), settings.ToCredentials()))
            .ToList();
    }
}
