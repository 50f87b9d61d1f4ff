using System.Diagnostics.CodeAnalysis;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging.Abstractions;

namespace AmoHub.Sandbox.Tests.Infrastructure;

/// <summary>
/// A real sandbox server on a free loopback port, shared by one test class. Each test uses its own account
/// (<see cref="NewAccount"/>), so rate limits, faults and data never leak between tests.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "xunit disposes fixtures through IAsyncLifetime.DisposeAsync.")]
public class SandboxFixture : IAsyncLifetime
{
    private readonly SocketsHttpHandler _handler = new();
    private SandboxServer? _server;

    public SandboxFixture()
        : this(_ => { })
    {
    }

    protected SandboxFixture(Action<SandboxSettings> configure)
    {
        Settings = new SandboxSettings
        {
            Url = new Uri("http://127.0.0.1:0/"),
            BlockAfter429s = 5,
            // Far above a loaded machine's slowest answer from a test receiver; the slow receiver takes longer still.
            WebhookTimeout = TimeSpan.FromSeconds(3),
            WebhookRetrySchedule = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100)],
            DisableWebhookAfterFailures = 2,
        };
        configure(Settings);
    }

    public SandboxSettings Settings { get; }

    public SandboxServer Server => _server ?? throw new InvalidOperationException("The sandbox has not started.");

    public AmoCrmSandbox Sandbox => Server.Sandbox;

    /// <summary>A fresh account's subdomain.</summary>
    public static string NewAccount() => $"acme-{Guid.NewGuid():N}"[..16];

    /// <summary>A client for <c>{Url}{subdomain}/</c>, carrying <paramref name="token"/> (the long-lived one by default).</summary>
    public HttpClient Client(string subdomain, string? token = null, bool authorize = true)
    {
        var client = new HttpClient(_handler, disposeHandler: false) { BaseAddress = new Uri(Server.Url, $"{subdomain}/") };
        if (authorize)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Server.AccessToken);
        }

        return client;
    }

    /// <summary>A client for the server root, where <c>_sandbox/</c> lives.</summary>
    public HttpClient RootClient() => new(_handler, disposeHandler: false) { BaseAddress = Server.Url };

    public async Task InitializeAsync()
    {
        _server = new SandboxServer(Settings, NullLogger<SandboxServer>.Instance);
        await _server.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync(CancellationToken.None);
            await _server.DisposeAsync();
        }

        _handler.Dispose();
    }
}
