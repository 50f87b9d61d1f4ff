using System.Diagnostics;
using MySqlConnector;

namespace AmoHub.Tests.Infrastructure;

/// <summary>
/// A throwaway MariaDB server for this test run: its own data folder under /tmp, a free loopback port, started
/// once per test process and killed when it exits. Each test gets a database of its own on it. A test that stops
/// the server starts a dedicated one instead, so the others are not disturbed.
/// Missing binaries fail the tests that need them with a message saying how to install them; nothing is skipped.
/// </summary>
public sealed class MariaDbServer : IDisposable
{
    private static readonly Lazy<Task<MariaDbServer>> Shared = new(StartAsync);
    private static int _databases;

    private readonly string _folder;
    private Process _process;

    private MariaDbServer(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
    }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>The server of this test run, started on first use.</summary>
    public static Task<MariaDbServer> GetAsync() => Shared.Value;

    /// <summary>A server of the caller's own, which it may stop and restart; disposing it removes it.</summary>
    public static Task<MariaDbServer> StartDedicatedAsync() => StartAsync();

    /// <summary>Kills the server process, as a crash or a pulled plug would; connections to it fail until <see cref="RestartAsync"/>.</summary>
    public async Task StopServerAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Starts the server again on the same port and data folder and waits until it takes connections.</summary>
    public async Task RestartAsync()
    {
        _process.Dispose();
        _process = Launch(_folder, Port);
        await WaitUntilReadyAsync();
    }

    /// <inheritdoc />
    public void Dispose() => Stop();

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"amohub_t{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        await using (var connection = new MySqlConnection(ConnectionString(database: null)))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci";
            await command.ExecuteNonQueryAsync();
        }

        return ConnectionString(name);
    }

    private string ConnectionString(string? database) =>
        new MySqlConnectionStringBuilder
        {
            Server = "127.0.0.1",
            Port = (uint)Port,
            UserID = "root",
            Database = database ?? "",
            Pooling = true,
        }.ConnectionString;

    private static async Task<MariaDbServer> StartAsync()
    {
        var installer = Find("mariadb-install-db");
        var folder = Directory.CreateTempSubdirectory("amohub-mariadb-").FullName;
        var data = Path.Combine(folder, "data");
        var asRoot = Environment.UserName == "root" ? " --user=root" : "";
        await RunAsync(installer, $"--no-defaults --datadir={data} --auth-root-authentication-method=normal --skip-test-db{asRoot}");

        var port = FreePort.Next();
        var instance = new MariaDbServer(Launch(folder, port), folder, port);
        await instance.WaitUntilReadyAsync();
        return instance;
    }

    private static Process Launch(string folder, int port)
    {
        var asRoot = Environment.UserName == "root" ? " --user=root" : "";
        var process = Process.Start(new ProcessStartInfo(Find("mariadbd"),
            $"--no-defaults --datadir={Path.Combine(folder, "data")} --socket={folder}/mysqld.sock --pid-file={folder}/mysqld.pid " +
            $"--port={port} --bind-address=127.0.0.1 --skip-grant-tables --skip-name-resolve --skip-log-bin " +
            $"--innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=2 --max-connections=500{asRoot}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await using var connection = new MySqlConnection(ConnectionString(null));
                await connection.OpenAsync();
                return;
            }
            catch (MySqlException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(200);
            }
        }
    }

    private void Stop()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }

            Directory.Delete(_folder, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            // Best effort at process exit; the folder is under the temp directory.
        }
    }

    private static string Find(string program)
    {
        string[] folders = [.. (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'), "/usr/sbin", "/usr/bin"];
        return folders.Select(folder => Path.Combine(folder, program)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                $"{program} was not found. The MariaDB tests need Debian's mariadb-server: run the README test command (./test.sh), which installs it.");
    }

    private static async Task RunAsync(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {await output}{await error}");
        }
    }
}
