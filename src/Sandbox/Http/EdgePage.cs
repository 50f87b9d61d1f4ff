using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace AmoHub.Sandbox.Http;

/// <summary>
/// An error page from amoCRM's edge proxy: HTML, not JSON (429, 403 when blocked, 5xx during an outage).
/// </summary>
internal sealed class EdgePage(int status) : IResult, IStatusCodeHttpResult
{
    /// <inheritdoc />
    public int? StatusCode => status;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var title = $"{status} {ReasonPhrases.GetReasonPhrase(status)}";
        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = "text/html";
        return httpContext.Response.WriteAsync(
            $"""
            <html>
            <head><title>{title}</title></head>
            <body>
            <center><h1>{title}</h1></center>
            <hr><center>nginx</center>
            </body>
            </html>

            """,
            httpContext.RequestAborted);
    }
}
