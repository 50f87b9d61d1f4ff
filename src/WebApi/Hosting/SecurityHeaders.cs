using Scalar.AspNetCore;

namespace AmoHub.WebApi.Hosting;

/// <summary>
/// Security headers on every response. The dashboard loads only its own script and stylesheet files (no inline
/// script or style), so the content security policy allows nothing but this origin (the Orleans dashboard and the
/// API reference have policies of their own); no page may frame AmoHub;
/// browsers must not guess content types; other sites learn at most AmoHub's origin from a link.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>The content security policy.</summary>
    public const string ContentSecurityPolicy = $"{PolicyStart} style-src 'self'; img-src 'self' data:; font-src 'self'; {PolicyEnd}";

    /// <summary>
    /// The policy of the Orleans dashboard at <c>/orleans</c>, a page AmoHub does not write: it sets styles inline and
    /// embeds its icon font, so it may do both; scripts, connections and framing stay as strict.
    /// </summary>
    public const string OrleansDashboardPolicy = $"{PolicyStart} style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; {PolicyEnd}";

    /// <summary>
    /// The policy of the API reference at <c>/docs</c>, Scalar's page: its one inline script carries a nonce made for
    /// the response, and its components set styles inline and may embed fonts; connections and framing stay as strict.
    /// </summary>
    public static string DocsPolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; {PolicyEnd}";

    private const string PolicyStart = "default-src 'self'; script-src 'self';";
    private const string PolicyEnd = "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Adds the headers to every response of the pipeline after this point.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(WebApiExtensions.OrleansDashboardPath, StringComparison.OrdinalIgnoreCase)
                ? OrleansDashboardPolicy
                : ContentSecurityPolicy;
            if (context.Request.Path.StartsWithSegments(WebApiExtensions.DocsPath, StringComparison.OrdinalIgnoreCase))
            {
                context.Response.OnStarting(() =>
                {
                    if (context.Items[ScalarOptions.NonceHttpContextItemKey] is string nonce)
                    {
                        headers.ContentSecurityPolicy = DocsPolicy(nonce);
                    }

                    return Task.CompletedTask;
                });
            }

            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            return next(context);
        });
}
