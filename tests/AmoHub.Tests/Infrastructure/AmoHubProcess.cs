using System.Collections.Concurrent;
using System.Diagnostics;

namespace AmoHub.Tests.Infrastructure;

/// <summary>
/// A real AmoHub process (the silo or the WebApi) started from the built binaries with settings passed as
/// environment variables, the way an operator or a container runs it.
/// </summary>
public sealed class AmoHubProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private AmoHubProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        process.OutputDataReceived += (_, line) => Record(line.Data);
        process.ErrorDataReceived += (_, line) => Record(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Where the process serves HTTP.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client for the process's HTTP endpoints.</summary>
    public HttpClient Http { get; }

    /// <summary>Everything the process printed so far.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once it has ended.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Starts the silo executable (<c>src/Silo</c>) with optional command-line arguments.</summary>
    public static AmoHubProcess StartSilo(IReadOnlyDictionary<string, string> settings, params string[] arguments) =>
        Start("Silo", "AmoHub.Silo.dll", settings, arguments);

    /// <summary>Starts the WebApi executable (<c>src/WebApi</c>).</summary>
    public static AmoHubProcess StartWebApi(IReadOnlyDictionary<string, string> settings) => Start("WebApi", "AmoHub.WebApi.dll", settings, []);

    /// <summary>Waits until <c>/health/ready</c> answers 200; fails with the process output otherwise.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The process exited with {_process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                using var response = await Http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (response.IsSuccessStatusCode)
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

        throw new TimeoutException($"The process was not ready in time:\n{Output}");
    }

    /// <summary>Waits for the process to end on its own.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        return _process.ExitCode;
    }

    /// <summary>Asks the process to stop with SIGTERM, as Kubernetes and systemd do, and waits for it.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        return await WaitForExitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Kills the process with SIGKILL, as a crashed node or an OOM kill does: nothing runs after it.</summary>
    public async Task KillAsync()
    {
        using var kill = Process.Start("kill", ["-KILL", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        await WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private static AmoHubProcess Start(string project, string assembly, IReadOnlyDictionary<string, string> settings, string[] arguments)
    {
        var path = Path.Combine(RepositoryPaths.Root, "src", project, "bin", RepositoryPaths.Configuration, "net10.0", assembly);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing: build the solution first (dotnet test AmoHub.sln builds it).");
        }

        var start = new ProcessStartInfo("dotnet", [path, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory.CreateTempSubdirectory("amohub-run-").FullName,
        };
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var urls = settings.TryGetValue("Urls", out var configured) ? configured : throw new ArgumentException("Urls must be set.", nameof(settings));
        return new AmoHubProcess(Process.Start(start)!, new Uri(urls));
    }
}
