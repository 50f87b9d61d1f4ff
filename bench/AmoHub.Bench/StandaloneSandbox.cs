using AmoHub.Sandbox;
using Microsoft.Extensions.Logging.Abstractions;

namespace AmoHub.Bench;

/// <summary>
/// The amoCRM sandbox run in this process on a loopback port of its own, with its default limits (7 requests/s per
/// account): AmoHub talks to it as to a remote amoCRM, and its CPU and memory stay out of AmoHub's numbers.
/// </summary>
public static class StandaloneSandbox
{
    /// <summary>Starts a sandbox on a free loopback port.</summary>
    public static async Task<SandboxServer> StartAsync()
    {
        var server = new SandboxServer(new SandboxSettings { Url = new Uri("http://127.0.0.1:0/") }, NullLogger<SandboxServer>.Instance);
        await server.StartAsync(CancellationToken.None);
        return server;
    }
}
