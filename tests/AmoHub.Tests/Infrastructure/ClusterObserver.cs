using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace AmoHub.Tests.Infrastructure;

/// <summary>
/// An Orleans client of the test's cluster on MariaDB that looks at membership and at where grains are active,
/// the way an operator's tool would: it never calls AmoHub's own grains.
/// </summary>
public sealed class ClusterObserver : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterObserver(IHost host) => _host = host;

    private IManagementGrain Management => _host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);

    /// <summary>Connects to the cluster whose membership table is in <paramref name="database"/>.</summary>
    public static async Task<ClusterObserver> ConnectAsync(TestDatabase database)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client => client
            .Configure<ClusterOptions>(options =>
            {
                options.ClusterId = "amohub";
                options.ServiceId = "amohub";
            })
            .UseAdoNetClustering(options =>
            {
                options.Invariant = database.Database.OrleansInvariant;
                options.ConnectionString = database.ConnectionString;
            }));
        var host = builder.Build();
        await host.StartAsync();
        return new ClusterObserver(host);
    }

    /// <summary>
    /// The membership status of every silo generation, by silo port; none while the cluster cannot answer (the
    /// management grain's silo was just lost), so a caller polls again.
    /// </summary>
    public async Task<IReadOnlyList<(int Port, SiloStatus Status)>> SilosAsync()
    {
        try
        {
            var hosts = await Management.GetDetailedHosts(onlyActive: false);
            return hosts.Select(host => (host.SiloAddress.Endpoint.Port, host.Status)).ToList();
        }
        catch (Exception exception) when (exception is OrleansException or TimeoutException)
        {
            return [];
        }
    }

    /// <summary>The silo port of every active grain whose key starts with <paramref name="keyPrefix"/>, by key.</summary>
    public async Task<IReadOnlyDictionary<string, int>> ActivationsAsync(string keyPrefix)
    {
        var statistics = await Management.GetDetailedGrainStatistics();
        return statistics
            .Where(grain => grain.GrainId.Key.ToString()!.StartsWith(keyPrefix, StringComparison.Ordinal))
            .GroupBy(grain => grain.GrainId.Key.ToString()!)
            .ToDictionary(group => group.Key, group => group.First().SiloAddress.Endpoint.Port);
    }

    /// <summary>The port a silo's settings give it.</summary>
    public static int SiloPort(IReadOnlyDictionary<string, string> settings) =>
        int.Parse(settings["AmoHub__Cluster__SiloPort"], CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
