using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AmoHub.ServiceDefaults.Storage;

namespace AmoHub.Bench;

/// <summary>
/// AmoHub (all-in-one, Release build) started as its own process with the built-in amoCRM sandbox, on a fresh
/// SQLite file or a MySQL database. The load comes from this process, so what is measured is AmoHub's work.
/// </summary>
public sealed class AmoHubUnderTest : IAsyncDisposable
{
    private readonly ProcessStartInfo _start;
    private readonly string _folder;
    private Process _process;
    private double _earlierCpuSeconds;
    private double _earlierPeakRssMiB;

    private AmoHubUnderTest(ProcessStartInfo start, Process process, string folder, Uri api, Uri sandbox, AmoHubDatabase database)
    {
        _start = start;
        _process = process;
        _folder = folder;
        Api = api;
        Sandbox = sandbox;
        Database = database;
    }

    /// <summary>AmoHub's HTTP API.</summary>
    public Uri Api { get; }

    /// <summary>The sandbox's base URL (its control surface is under <c>_sandbox/</c>).</summary>
    public Uri Sandbox { get; }

    /// <summary>The SQLite file, when running on SQLite.</summary>
    public string DatabaseFile => Path.Combine(_folder, "data", "amohub.db");

    /// <summary>AmoHub's database, for reading what it stored.</summary>
    public AmoHubDatabase Database { get; }

    /// <summary>Builds the silo in Release and starts it with extra <paramref name="settings"/> (environment variables); waits until it is ready.</summary>
    public static async Task<AmoHubUnderTest> StartAsync(string repository, string? mySqlConnectionString, IReadOnlyDictionary<string, string>? settings = null)
    {
        await RunAsync("dotnet", $"build -c Release -nologo -v q \"{Path.Combine(repository, "src", "Silo")}\"");
        var folder = Directory.CreateTempSubdirectory("amohub-bench-").FullName;
        var api = new Uri($"http://127.0.0.1:{FreePort()}/");
        var sandbox = new Uri($"http://127.0.0.1:{FreePort()}/");
        var start = new ProcessStartInfo("dotnet", $"\"{Path.Combine(repository, "src", "Silo", "bin", "Release", "net10.0", "AmoHub.Silo.dll")}\"")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["Urls"] = api.AbsoluteUri.TrimEnd('/');
        start.Environment["AmoHub__Sandbox__Url"] = sandbox.AbsoluteUri;
        start.Environment["AmoHub__Cluster__SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture);
        start.Environment["AmoHub__Cluster__GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture);
        start.Environment["Logging__LogLevel__Default"] = "Warning";

        // One load generator on one address sends far more than a client may by default; the benchmark measures
        // AmoHub's capacity, not its rate limiter.
        start.Environment["AmoHub__Limits__RequestsPerWindow"] = "10000000";
        start.Environment["AmoHub__Limits__WebhookRequestsPerWindow"] = "10000000";
        start.Environment["AmoHub__AmoCrm__AllowedHosts__0"] = "127.0.0.1";
        if (mySqlConnectionString is not null)
        {
            start.Environment["AmoHub__Storage__Provider"] = "MySql";
            start.Environment["AmoHub__Storage__ConnectionString"] = mySqlConnectionString;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var database = AmoHubDatabase.From(
            new StorageSettings
            {
                Provider = mySqlConnectionString is null ? StorageProvider.Sqlite : StorageProvider.MySql,
                ConnectionString = mySqlConnectionString,
            },
            folder);
        var hub = new AmoHubUnderTest(start, Launch(start), folder, api, sandbox, database);
        await hub.WaitUntilReadyAsync();
        return hub;
    }

    /// <summary>
    /// Stops AmoHub, with SIGKILL as a crash or an evicted pod ends it (<paramref name="kill"/>) or with SIGTERM as
    /// Kubernetes stops a pod, and starts it again on the same database and ports; waits until it is ready. Returns
    /// the seconds the process took to exit and the seconds from the new start to ready. CPU time and peak memory go
    /// on counting over both processes.
    /// </summary>
    public async Task<(double StopSeconds, double ReadySeconds)> RestartAsync(bool kill)
    {
        // Read just before the stop: a process that exited has no figures left to read.
        _earlierPeakRssMiB = PeakRssMiB;
        _earlierCpuSeconds = CpuSeconds;
        var stopping = Stopwatch.StartNew();
        if (kill)
        {
            _process.Kill(entireProcessTree: true);
        }
        else
        {
            await RunAsync("kill", string.Create(CultureInfo.InvariantCulture, $"-TERM {_process.Id}"));
        }

        await _process.WaitForExitAsync();
        var stopSeconds = stopping.Elapsed.TotalSeconds;
        _process.Dispose();
        var starting = Stopwatch.StartNew();
        _process = Launch(_start);
        await WaitUntilReadyAsync();
        return (stopSeconds, starting.Elapsed.TotalSeconds);
    }

    private static Process Launch(ProcessStartInfo start)
    {
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient();
        for (var i = 0; i < 720; i++)
        {
            try
            {
                if ((await http.GetAsync(new Uri(Api, "health/ready"))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("AmoHub did not become ready in 180 s.");
    }

    /// <summary>CPU seconds (user + system) the AmoHub processes have used so far.</summary>
    public double CpuSeconds
    {
        get
        {
            _process.Refresh();
            return _earlierCpuSeconds + _process.TotalProcessorTime.TotalSeconds;
        }
    }

    /// <summary>Peak resident memory of an AmoHub process so far, in MiB.</summary>
    public double PeakRssMiB => Math.Max(_earlierPeakRssMiB, StatusMiB("VmHWM:"));

    /// <summary>Resident memory of the AmoHub process now, in MiB.</summary>
    public double RssMiB => StatusMiB("VmRSS:");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private double StatusMiB(string field)
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments))!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {arguments} failed with {process.ExitCode}.");
        }
    }
}
