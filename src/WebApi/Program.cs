using System.Data.Common;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.ServiceDefaults;
using AmoHub.ServiceDefaults.Configuration;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.WebApi;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;

// The WebApi as a process of its own: an Orleans client of the silos of the cluster.
try
{
    var builder = WebApplication.CreateBuilder(args);
    var database = builder.AddAmoHubDefaults();
    var cluster = ValidatedSettings.Get<ClusterSettings>(builder.Configuration, ClusterSettings.Section);
    var orleansDashboard = ValidatedSettings.Get<OrleansDashboardSettings>(builder.Configuration, OrleansDashboardSettings.Section);
    builder.Services.AddSingleton(new PhoneNormalizer(ValidatedSettings.Get<PhoneSettings>(builder.Configuration, PhoneSettings.Section)));
    builder.UseOrleansClient(client =>
    {
        client.AddActivityPropagation();
        if (orleansDashboard.Enabled)
        {
            client.AddDashboard(options => options.CounterUpdateIntervalMs = orleansDashboard.CounterUpdateIntervalMs);
        }

        client.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = cluster.ClusterId;
            options.ServiceId = cluster.ServiceId;
        });
        if (database.Provider == StorageProvider.MySql)
        {
            client.UseAdoNetClustering(options =>
            {
                options.Invariant = database.OrleansInvariant;
                options.ConnectionString = database.ConnectionString;
            });
        }
        else
        {
            client.UseLocalhostClustering(cluster.GatewayPort, cluster.ServiceId, cluster.ClusterId);
        }
    });
    builder.Services.AddAmoHubWebApi();

    var app = builder.Build();
    app.MapAmoHubWebApi();
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException exception)
{
    await Console.Error.WriteLineAsync($"AmoHub WebApi cannot start: {exception.Message}");
    return 2;
}
catch (DbException exception)
{
    await Console.Error.WriteLineAsync(
        $"AmoHub WebApi cannot start: the database named by AmoHub:Storage:ConnectionString does not answer: {exception.Message}");
    return 3;
}

/// <summary>Entry point of the WebApi process; public so tests can host it.</summary>
public partial class Program;
