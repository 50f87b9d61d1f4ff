using System.Net;
using AmoHub.Grains.Accounts;
using AmoHub.Grains.AmoCrm;
using AmoHub.Grains.Crm;
using AmoHub.Grains.Crm.Operations;
using AmoHub.Grains.Crm.Webhooks;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Monitoring;
using AmoHub.Grains.Monitoring.Incidents;
using AmoHub.Grains.Probes;
using AmoHub.Grains.Probes.DigitalPipeline;
using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Configuration;
using AmoHub.ServiceDefaults.Security;
using AmoHub.ServiceDefaults.Storage;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace AmoHub.Silo;

/// <summary>Wires a silo: membership, grain storage, reminders and the services grains use.</summary>
public static class SiloConfiguration
{
    /// <summary>
    /// Clustering follows storage: on MySQL silos find each other through the membership table (so several
    /// processes form one cluster); on SQLite the silo runs alone with localhost clustering. In a Kubernetes pod
    /// Orleans' Kubernetes hosting adds the pod's name, address and labels; the membership table stays the
    /// membership provider.
    /// </summary>
    public static ISiloBuilder UseAmoHubStorage(this ISiloBuilder silo, AmoHubDatabase database, ClusterSettings cluster, ProbeSchedule probes)
    {
        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = cluster.ClusterId;
            options.ServiceId = cluster.ServiceId;
        });
        if (database.Provider == StorageProvider.MySql)
        {
            silo.ConfigureEndpoints(cluster.ResolveAdvertisedAddress(), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
            silo.UseAdoNetClustering(options =>
            {
                options.Invariant = database.OrleansInvariant;
                options.ConnectionString = database.ConnectionString;
            });
            if (cluster.RunsInKubernetes())
            {
                silo.UseKubernetesHosting();
            }
        }
        else
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
        }

        // On SQLite the ADO.NET storage is wrapped so its writes take the process's write turn with every other
        // writer of the file (see AmoHubDatabase.WaitWriteTurnAsync); the rows are the same either way.
        var adoNetStorage = database.Provider == StorageProvider.MySql ? StorageNames.Default : StorageNames.Default + "-sqlite";
        silo.Services.AddSingleton<IPostConfigureOptions<OrleansJsonSerializerOptions>, MovedTypeNamesSetup>();
        silo.AddAdoNetGrainStorage(adoNetStorage, options =>
        {
            options.Invariant = database.OrleansInvariant;
            options.ConnectionString = database.ConnectionString;
        });
        if (database.Provider != StorageProvider.MySql)
        {
            silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Default, (provider, _) =>
                new WriteTurnGrainStorage(provider.GetRequiredKeyedService<IGrainStorage>(adoNetStorage), database));
        }

        silo.UseAdoNetReminderService(options =>
        {
            options.Invariant = database.OrleansInvariant;
            options.ConnectionString = database.ConnectionString;
        });
        silo.Configure<ReminderOptions>(options =>
        {
            if (probes.ReminderPeriod < options.MinimumReminderPeriod)
            {
                options.MinimumReminderPeriod = probes.ReminderPeriod;
            }
        });
        return silo;
    }

    /// <summary>Registers the grains' services and the start-up task that starts the configured accounts' probes.</summary>
    public static ISiloBuilder AddAmoHubGrains(this ISiloBuilder silo, ProbeSchedule probes, AmoCrmSettings amoCrm, IReadOnlyList<ConfiguredAccount> accounts)
    {
        var services = silo.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(probes));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(amoCrm));
        services.AddSingleton<CrmReadModel>();
        services.AddSingleton<OurCopy>();
        services.AddSingleton<WebhookInboxStore>();
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new OperationSettings(amoCrm.MaxWait)));
        services.AddSingleton<OperationStore>();
        services.AddSingleton<OperationCallbacks>();
        // Callbacks connect only where AmoHub:Operations:AllowPrivateCallbacks (CallbackTargets, bound with the security
        // settings, since the API checks callbackUrl too) lets them, and directly: a proxy would pick the address itself.
        services.AddSingleton(provider => new CallbackConnector(
            provider.GetRequiredService<CallbackTargets>(), provider.GetRequiredService<ILogger<CallbackConnector>>(), Dns.GetHostAddressesAsync));
        services.AddHttpClient(OperationCallbacks.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectCallback = provider.GetRequiredService<CallbackConnector>().ConnectAsync,
            });
        services.AddSingleton<CrmDeadLetters>();
        services.AddSingleton(provider => new AmoCrmClock(provider.GetRequiredService<TimeProvider>(), amoCrm.MaxClockSkew, provider.GetRequiredService<ILogger<AmoCrmClock>>()));
        services.AddSingleton<AccountRegistryStore>();
        services.AddHttpClient(AmoCrmConnection.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                MaxConnectionsPerServer = 64,
            });
        services.AddHttpClient(WebUiCheck.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
        services.AddSingleton<IncidentStore>();
        services.AddSingleton<DigitalPipelineWaiters>();
        services.AddSingleton<IProbeCheck, WebUiCheck>();
        services.AddSingleton<IProbeCheck, DigitalPipelineCheck>();
        services.AddSingleton<IProbeCheck>(provider => new AccountApiCheck(CheckType.Get, provider.GetRequiredService<IGrainFactory>()));
        services.AddSingleton<IProbeCheck>(provider => new AccountApiCheck(CheckType.Hook, provider.GetRequiredService<IGrainFactory>()));
        services.AddSingleton<IProbeCheck>(provider => new AccountApiCheck(CheckType.Post, provider.GetRequiredService<IGrainFactory>()));
        silo.AddStartupTask((provider, cancellationToken) =>
            new AccountBootstrap(provider.GetRequiredService<IGrainFactory>(), accounts).Execute(cancellationToken));
        return silo;
    }

    /// <summary>Registers the monitoring reads (history, stats, export) and the retention purge.</summary>
    public static ISiloBuilder AddAmoHubMonitoring(this ISiloBuilder silo, MonitoringSettings settings)
    {
        silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings));
        silo.Services.AddSingleton<MonitoringReadModel>();
        silo.Services.AddSingleton<RetentionPurge>();
        silo.Services.AddHostedService(provider => provider.GetRequiredService<RetentionPurge>());
        return silo;
    }
}
