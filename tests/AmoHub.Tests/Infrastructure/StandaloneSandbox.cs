using AmoHub.Sandbox;
using Microsoft.Extensions.Logging.Abstractions;

namespace AmoHub.Tests.Infrastructure;

/// <summary>An amoCRM sandbox of its own, standing for a remote amoCRM that AmoHub is pointed at by configuration.</summary>
public static class StandaloneSandbox
{
    /// <summary>Starts a sandbox on a free loopback port.</summary>
    public static async Task<SandboxServer> StartAsync(Action<SandboxSettings>? configure = null)
    {
        var settings = new SandboxSettings { Url = new Uri($"http://127.0.0.1:{FreePort.Next()}/") };
        configure?.Invoke(settings);
        var server = new SandboxServer(settings, NullLogger<SandboxServer>.Instance);
        await server.StartAsync(CancellationToken.None);
        return server;
    }
}
