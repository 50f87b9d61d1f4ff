using System.Collections.Concurrent;
using AmoHub.Grains.Probes;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AmoHub.Tests.Monitoring;

/// <summary>
/// One running AmoHub per engine (started on first use, probes off) holding the sample results of the last three
/// days of the <c>sandbox</c> account, written through its own result writer, and the sample incidents. The
/// history, stats and export tests read it and never change it.
/// </summary>
public sealed class MonitoringApiFixture : IAsyncLifetime
{
    /// <summary>The account the samples belong to: the sandbox, the one account a test AmoHub serves.</summary>
    public const string Account = "sandbox";

    private readonly ConcurrentDictionary<StorageProvider, Lazy<Task<SeededHub>>> _hubs = new();

    /// <summary>The hub of an engine with its samples.</summary>
    public Task<SeededHub> GetAsync(StorageProvider engine) =>
        _hubs.GetOrAdd(engine, key => new Lazy<Task<SeededHub>>(() => StartAsync(key))).Value;

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var hub in _hubs.Values.Where(lazy => lazy.IsValueCreated))
        {
            await (await hub.Value).Hub.DisposeAsync();
        }
    }

    private static async Task<SeededHub> StartAsync(StorageProvider engine)
    {
        var hub = await InProcessAmoHub.StartAsync(engine);
        var now = DateTimeOffset.UtcNow;
        var results = MonitoringSamples.Results(Account, now, hoursBack: 60);
        await MonitoringSamples.WriteAsync(hub.Services.GetRequiredService<HealthCheckLog>(), results);
        var incidents = MonitoringSamples.Incidents(now);
        await MonitoringSamples.InsertIncidentsAsync(hub.Database.Database, Account, incidents);
        return new SeededHub(hub, results, incidents);
    }
}

/// <summary>A running AmoHub and the samples written into it.</summary>
public sealed record SeededHub(InProcessAmoHub Hub, IReadOnlyList<HealthCheckRecord> Results, IReadOnlyList<SampleIncident> Incidents);

/// <summary>The tests that share <see cref="MonitoringApiFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SharedMonitoringHub : ICollectionFixture<MonitoringApiFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "monitoring-api";
}
