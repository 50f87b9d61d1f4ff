using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace AmoHub.WebApi.Hosting;

/// <summary>
/// Refuses a request body in a character set AmoHub does not read: JSON is UTF-8 (RFC 8259) and so are amoCRM's
/// forms, and any other <c>charset</c> (<c>utf-7</c>, a made-up one) would fail deep in the body reader as a 500.
/// It answers 415 <c>application/problem+json</c> naming the charset, before anything reads or stores the body.
/// amoCRM's webhook deliveries are left to their receiver, which answers every delivery it cannot read 200.
/// </summary>
public static class CharsetGuard
{
    private static readonly string[] Readable = ["utf-8", "utf8", "us-ascii"];
    private static readonly PathString WebhookPaths = new("/webhooks");

    /// <summary>Adds the check to the pipeline.</summary>
    public static WebApplication UseCharsetGuard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments(WebhookPaths, StringComparison.Ordinal)
                && UnreadableCharset(context.Request.ContentType) is { } charset)
            {
                context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status415UnsupportedMediaType,
                        Title = "Unsupported charset",
                        Detail = "Request bodies are read as UTF-8; send charset=utf-8 or none.",
                        Extensions = { ["charset"] = charset.Length <= 40 ? charset : charset[..40] },
                    },
                });
                return;
            }

            context.Request.ContentType = Unquoted(context.Request.ContentType);
            await next(context);
        });
        return app;
    }

    /// <summary>Whether AmoHub reads a body of this Content-Type: it names no charset, or UTF-8.</summary>
    public static bool IsReadable(string? contentType) => UnreadableCharset(contentType) is null;

    /// <summary>
    /// The Content-Type with its charset unquoted: <c>charset="utf-8"</c> is UTF-8 (RFC 9110), but ASP.NET Core's JSON
    /// reader takes the quotes for part of the name and fails.
    /// </summary>
    private static string? Unquoted(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.Charset.HasValue || !HeaderUtilities.IsQuoted(mediaType.Charset))
        {
            return contentType;
        }

        mediaType.Charset = HeaderUtilities.RemoveQuotes(mediaType.Charset);
        return mediaType.ToString();
    }

    /// <summary>The charset a Content-Type names when AmoHub cannot read it; null when there is none or it is UTF-8.</summary>
    private static string? UnreadableCharset(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType) || !mediaType.Charset.HasValue)
        {
            return null;
        }

        var charset = HeaderUtilities.RemoveQuotes(mediaType.Charset).ToString().Trim();
        return Readable.Contains(charset, StringComparer.OrdinalIgnoreCase) ? null : charset;
    }
}
