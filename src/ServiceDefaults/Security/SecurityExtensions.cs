using System.Globalization;
using System.Threading.RateLimiting;
using AmoHub.ServiceDefaults.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace AmoHub.ServiceDefaults.Security;

/// <summary>
/// What guards every AmoHub process's HTTP surface: API keys and their roles, rate limits, request size limits
/// and CORS.
/// </summary>
public static partial class SecurityExtensions
{
    /// <summary>The rate limit policy of the amoCRM webhook receiver, counted apart from everything else.</summary>
    public const string WebhookRateLimit = "amohub:webhooks";

    /// <summary>The CORS policy, present only when <c>AmoHub:Cors:Origins</c> names any.</summary>
    private const string CorsPolicy = "amohub:cors";

    /// <summary>
    /// Binds and checks <c>AmoHub:Auth</c>, <c>AmoHub:Limits</c>, <c>AmoHub:Cors</c>, <c>AmoHub:Network</c>, the
    /// allowed amoCRM hosts and callback targets, and registers what they need.
    /// </summary>
    public static WebApplicationBuilder AddAmoHubSecurity(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var auth = ValidatedSettings.Get<AuthSettings>(builder.Configuration, AuthSettings.Section);
        var limits = ValidatedSettings.Get<LimitSettings>(builder.Configuration, LimitSettings.Section);
        var cors = ValidatedSettings.Get<CorsSettings>(builder.Configuration, CorsSettings.Section);
        var network = ValidatedSettings.Get<NetworkSettings>(builder.Configuration, NetworkSettings.Section);
        var services = builder.Services;
        services.AddSingleton(auth);
        services.AddSingleton(limits);
        services.AddSingleton(cors);
        services.AddSingleton(network);
        services.AddSingleton(ValidatedSettings.Get<AmoCrmHosts>(builder.Configuration, AmoCrmHosts.Section));
        services.AddSingleton(ValidatedSettings.Get<CallbackTargets>(builder.Configuration, CallbackTargets.Section));

        // ASPNETCORE_FORWARDEDHEADERS_ENABLED makes ASP.NET believe forwarded headers from anyone; this runs after it
        // and believes only the configured proxies (loopback when none is), whoever turned forwarding on.
        services.PostConfigure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            if (!network.HasProxies)
            {
                options.KnownIPNetworks.Add(new System.Net.IPNetwork(System.Net.IPAddress.Loopback, 8));
                options.KnownProxies.Add(System.Net.IPAddress.IPv6Loopback);
                return;
            }

            foreach (var proxy in network.Proxies)
            {
                options.KnownProxies.Add(proxy);
            }

            foreach (var range in network.Networks)
            {
                options.KnownIPNetworks.Add(range);
            }
        });
        services.AddSingleton<ApiKeyRing>();
        services.AddSingleton<IAuthorizationHandler, AccessRequirementHandler>();
        // The core alone: AddAuthentication would also add Data Protection, whose hosted service would then read the
        // key ring before the schema migration has made its table.
        services.AddAuthenticationCore(options => options.DefaultScheme = ApiKeyAuthenticationHandler.SchemeName);
        services.AddWebEncoders();
        new AuthenticationBuilder(services)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(options => options.AddAccessPolicies(auth));

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = limits.MaxBodySize);

        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>() is not null
                    ? RateLimitPartition.GetNoLimiter("own-policy")
                    : Window(CallerOf(context), limits.RequestsPerWindow, limits.Window));
            options.AddPolicy(WebhookRateLimit, context =>
                Window("webhook:" + AddressOf(context), limits.WebhookRequestsPerWindow, limits.Window));
            options.OnRejected = (rejected, cancellationToken) => RejectAsync(rejected, limits.Window);
        });

        if (cors.Origins.Count > 0)
        {
            services.AddCors(options => options.AddPolicy(CorsPolicy, policy => policy
                .WithOrigins([.. cors.Origins])
                .AllowAnyMethod()
                .WithHeaders(HeaderNames.Authorization, HeaderNames.ContentType, ApiKeyCredentials.HeaderName)
                .WithExposedHeaders(HeaderNames.RetryAfter, HeaderNames.Location, HeaderNames.Link)));
        }

        return builder;
    }

    /// <summary>
    /// Adds CORS (when configured), authentication, rate limiting and authorization to the pipeline, and says once
    /// at start-up whether API keys guard this process.
    /// </summary>
    public static WebApplication UseAmoHubSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var auth = app.Services.GetRequiredService<AuthSettings>();
        if (app.Services.GetRequiredService<NetworkSettings>().HasProxies
            && !string.Equals(app.Configuration["FORWARDEDHEADERS_ENABLED"], "true", StringComparison.OrdinalIgnoreCase))
        {
            app.UseForwardedHeaders();
        }

        if (app.Services.GetRequiredService<CorsSettings>().Origins.Count > 0)
        {
            app.UseCors(CorsPolicy);
        }

        // Limits count after authentication (a key's requests count against the key) and before authorization, so
        // refused requests, guesses at keys among them, count against their address too.
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SecurityExtensions).FullName!);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (auth.Enabled)
            {
                LogKeysOn(logger, auth.Keys.Count, auth.AnonymousRead);
            }
            else
            {
                LogKeysOff(logger);
            }
        });
        return app;
    }

    /// <summary>Who a request counts against: its API key's name, or without a key its client address.</summary>
    private static string CallerOf(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, Name: { } name } ? "key:" + name : "ip:" + AddressOf(context);

    private static string AddressOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static RateLimitPartition<string> Window(string partition, int permits, TimeSpan window) =>
        RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            QueueLimit = 0,
        });

    private static async ValueTask RejectAsync(OnRejectedContext rejected, TimeSpan window)
    {
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : window;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var http = rejected.HttpContext;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = string.Create(CultureInfo.InvariantCulture, $"The rate limit of this API key or address is reached; try again in {seconds} s."),
            },
        });
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning,
        Message = "No API keys are configured (AmoHub:Auth:Keys): the HTTP API is open to anyone who reaches it; operator endpoints answer on loopback only")]
    private static partial void LogKeysOff(ILogger logger);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "API keys guard the HTTP API: {Count} keys, anonymous reads {AnonymousRead}")]
    private static partial void LogKeysOn(ILogger logger, int count, bool anonymousRead);
}
