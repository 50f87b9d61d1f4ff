using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AmoHub.Sandbox;

/// <summary>
/// The built-in amoCRM emulator: a separate web server on its own port inside the AmoHub process, so AmoHub
/// talks to it over real HTTP exactly as it talks to amoCRM.
/// </summary>
public sealed partial class SandboxServer(SandboxSettings settings, ILogger<SandboxServer> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(settings.Url.GetLeftPart(UriPartial.Authority));
        _app = builder.Build();
        _app.MapGet("/", () => Results.Content(LoginPage, "text/html; charset=utf-8"));
        await _app.StartAsync(cancellationToken);
        LogListening(logger, settings.Url);
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
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private const string LoginPage = """
        <!DOCTYPE html>
        <html lang="ru">
        <head><meta charset="utf-8"><title>amoCRM sandbox — вход</title></head>
        <body>
          <h1>amoCRM sandbox</h1>
          <p>Это страница входа встроенной песочницы amoCRM. AmoHub проверяет по ней доступность веб-интерфейса.</p>
        </body>
        </html>
        """;

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "The amoCRM sandbox listens on {Url}")]
    private static partial void LogListening(ILogger logger, Uri url);
}
