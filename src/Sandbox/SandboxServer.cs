using AmoHub.Sandbox.Api;
using AmoHub.Sandbox.Control;
using AmoHub.Sandbox.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AmoHub.Sandbox;

/// <summary>
/// The built-in amoCRM emulator: a separate web server on its own port inside the AmoHub process, so AmoHub
/// talks to it over real HTTP exactly as it talks to amoCRM. Account <c>acme</c> lives at <c>{Url}acme/</c>;
/// the control surface at <c>{Url}_sandbox/</c> and in <see cref="Sandbox"/>.
/// </summary>
public sealed class SandboxServer : IHostedService, IAsyncDisposable
{
    private readonly SandboxSettings _settings;
    private readonly ILogger<SandboxServer> _logger;
    private WebApplication? _app;
    private int _disposed;

    public SandboxServer(SandboxSettings settings, ILogger<SandboxServer> logger)
    {
        _settings = settings;
        _logger = logger;
        Url = settings.Url;
        Sandbox = new AmoCrmSandbox(settings, logger);
    }

    /// <summary>The control surface: accounts' state, acting as a user, faults.</summary>
    public AmoCrmSandbox Sandbox { get; }

    /// <summary>The long-lived access token, valid for every account: the configured one, or a random one.</summary>
    public string AccessToken => Sandbox.AccessToken;

    /// <summary>Where the sandbox listens; once started, with the real port when the settings asked for port 0.</summary>
    public Uri Url { get; private set; }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(_settings.Url.GetLeftPart(UriPartial.Authority));
        builder.Services.AddSingleton(Sandbox);
        builder.Services.Configure<RouteOptions>(options => options.SetParameterPolicy<SubdomainRouteConstraint>(SubdomainRouteConstraint.Name));
        builder.Services.ConfigureHttpJsonOptions(options => SandboxJson.Configure(options.SerializerOptions));
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        _app = builder.Build();

        var root = _app.MapGroup(_settings.Url.AbsolutePath);
        root.MapSandboxControlApi();
        root.MapAmoCrmAccounts();

        await _app.StartAsync(cancellationToken);
        Url = new Uri(new Uri(_app.Urls.First()), _settings.Url.AbsolutePath);
        SandboxLog.Listening(_logger, Url);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // The host may dispose the server twice: as a singleton and as the hosted service resolved from it.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await Sandbox.DisposeAsync();
    }
}

/// <summary>
/// The embedded server's lifetime: it ignores Ctrl+C and SIGTERM, which belong to the host process; that host
/// stops the sandbox through <see cref="SandboxServer.StopAsync"/>.
/// </summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    /// <inheritdoc />
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
