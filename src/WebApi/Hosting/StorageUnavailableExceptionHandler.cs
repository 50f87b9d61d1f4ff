using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;
using Orleans.Serialization;

namespace AmoHub.WebApi.Hosting;

/// <summary>
/// Turns a request that failed because AmoHub's database could not be reached, or because the grain it called did
/// not answer within Orleans' response timeout or its silo was lost, into a 503 problem+json with Retry-After: both pass, and the
/// caller should try again. The body says which, never how (no exception text or stack trace).
/// </summary>
public sealed class StorageUnavailableExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var (title, detail) = Causes(exception).Any(IsDatabaseFailure)
            ? ("AmoHub's database is not available right now", "The request was not completed; try again shortly.")
            : SiloLoss.Is(exception)
                ? ("AmoHub is busy", "The request did not complete in time; try again shortly. Repeating it is safe: contacts and leads are never created twice.")
                : (null, null);
        if (title is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = title,
                Detail = detail,
            },
        });
    }

    /// <summary>The exception and everything it wraps.</summary>
    private static IEnumerable<Exception> Causes(Exception exception)
    {
        var pending = new Stack<Exception>([exception]);
        while (pending.TryPop(out var current))
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }

    /// <summary>
    /// A database driver's exception: as thrown in the silo, or as it reaches a separate WebApi, where Orleans
    /// carries an exception type it does not serialize by its name only.
    /// </summary>
    private static bool IsDatabaseFailure(Exception exception) =>
        exception is DbException
        || (exception is UnavailableExceptionFallbackException fallback
            && Type.GetType(fallback.ExceptionType ?? "", throwOnError: false) is { } type
            && type.IsAssignableTo(typeof(DbException)));
}
