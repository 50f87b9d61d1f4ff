using AmoHub.Grains.Interfaces.Crm;
using Microsoft.AspNetCore.Diagnostics;

namespace AmoHub.WebApi.Hosting;

/// <summary>
/// Turns a failed amoCRM call into a problem+json answer: 503 with Retry-After when amoCRM is down, slow or
/// limiting us (try again later), 502 when it refused the call for a reason an operator must fix.
/// </summary>
public sealed class AmoCrmExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not AmoCrmException amoCrm)
        {
            return false;
        }

        var transient = amoCrm.IsTransient || amoCrm.Failure == AmoCrmFailure.Blocked;
        httpContext.Response.StatusCode = transient ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status502BadGateway;
        if (transient)
        {
            httpContext.Response.Headers.RetryAfter = "5";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = httpContext.Response.StatusCode,
                Title = transient ? "amoCRM is not available right now" : "amoCRM refused the request",
                Detail = amoCrm.Message,
                Extensions = { ["failure"] = amoCrm.Failure.ToString() },
            },
        });
    }
}
