using AmoHub.Sandbox;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AmoHub.Tests.Infrastructure;

/// <summary>
/// An all-in-one AmoHub (silo, HTTP API, amoCRM sandbox) started inside the test process on real loopback ports,
/// with its own database. Tests talk to it over real HTTP and steer the sandbox directly.
/// </summary>
public sealed class InProcessAmoHub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _ownsDatabase;

    private InProcessAmoHub(WebApplication app, TestDatabase database, bool ownsDatabase, Uri baseAddress)
    {
        _app = app;
        _ownsDatabase = ownsDatabase;
        Database = database;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(120) };
    }

    /// <summary>A client for AmoHub's HTTP API.</summary>
    public HttpClient Http { get; }

    /// <summary>The database this AmoHub runs on.</summary>
    public TestDatabase Database { get; }

    /// <summary>The built-in amoCRM sandbox.</summary>
    public SandboxServer Sandbox => _app.Services.GetRequiredService<SandboxServer>();

    /// <summary>The services of the host, for tests that look inside.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts AmoHub on <paramref name="engine"/> with extra settings (<c>AmoHub:…</c> keys); <paramref name="logs"/>,
    /// when given, receives everything the host logs from its start on.
    /// </summary>
    public static async Task<InProcessAmoHub> StartAsync(StorageProvider engine, IReadOnlyDictionary<string, string>? settings = null, ILoggerProvider? logs = null) =>
        await StartAsync(await TestDatabase.CreateAsync(engine), ownsDatabase: true, settings, logs);

    /// <summary>
    /// Starts AmoHub on a database the test keeps, so that starting another one on it after this one stops is a
    /// restart of the same deployment.
    /// </summary>
    public static Task<InProcessAmoHub> StartOnAsync(TestDatabase database, IReadOnlyDictionary<string, string>? settings = null) =>
        StartAsync(database, ownsDatabase: false, settings, logs: null);

    private static async Task<InProcessAmoHub> StartAsync(TestDatabase database, bool ownsDatabase, IReadOnlyDictionary<string, string>? settings, ILoggerProvider? logs)
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var values = new Dictionary<string, string>
        {
            ["Urls"] = url,
            ["AmoHub:Storage:Provider"] = database.Provider.ToString(),
            ["AmoHub:Storage:ConnectionString"] = database.ConnectionString,
            ["AmoHub:Cluster:SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AmoHub:Cluster:GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AmoHub:Cluster:AdvertisedAddress"] = "127.0.0.1",
            ["AmoHub:Cluster:ClusterId"] = $"test-{Guid.NewGuid():N}",
            ["AmoHub:Sandbox:Url"] = $"http://127.0.0.1:{FreePort.Next()}/",
            // The sandbox gives up on a delivery after amoCRM's 2 s and retries on amoCRM's schedule, sixty times
            // faster: a delivery a loaded test machine answered late comes again within seconds, as it would come
            // again from amoCRM within minutes. Tests count deliveries as at least once.
            ["AmoHub:Sandbox:ClockFactor"] = "60",
            ["AmoHub:Webhooks:PublicUrl"] = url + "/",
            // Probes write to amoCRM (the POST probe's test lead): tests that count amoCRM's entities turn them on
            // only when they look at probes.
            ["AmoHub:Probes:Enabled"] = "false",
            // A hub that happens to run across Monday 09:00 UTC would otherwise post the sandbox's weekly digest into a
            // test's channels: tests of the digest turn it on for their accounts.
            ["AmoHub:Notifications:Digest:Enabled"] = "false",
            // Tests receive callbacks on loopback.
            ["AmoHub:Operations:AllowPrivateCallbacks"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            values[key] = value;
        }

        var app = SiloHost.Build([.. values.Select(pair => $"--{pair.Key}={pair.Value}")]);
        if (logs is not null)
        {
            app.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        }

        await app.StartAsync();
        var hub = new InProcessAmoHub(app, database, ownsDatabase, new Uri(url));
        return hub;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownsDatabase)
        {
            Database.Dispose();
        }
    }
}
