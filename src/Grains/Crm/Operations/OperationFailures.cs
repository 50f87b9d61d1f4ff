using System.Data.Common;
using Orleans.Serialization;

namespace AmoHub.Grains.Crm.Operations;

/// <summary>
/// Tells a stored request's own failure (counted: it ends failed after <see cref="OperationsGrain.MaxFailedRuns"/>)
/// from a failure of the moment, which is not counted however long it lasts, so that an outage of AmoHub's database or
/// silos never fails the requests it holds up.
/// </summary>
public static class OperationFailures
{
    /// <summary>
    /// Whether a run's failure is the request's own: neither a failure of the moment as the dead letters tell it
    /// (<see cref="CrmDeadLetters.IsEntitysOwn"/>) nor, anywhere among its causes, a timeout, an Orleans failure or any
    /// database error, as thrown in this silo or as another silo's arrives (by its type's name only).
    /// </summary>
    public static bool IsRequestsOwn(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (!CrmDeadLetters.IsEntitysOwn(exception))
        {
            return false;
        }

        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (cause is DbException or TimeoutException or OperationCanceledException or OrleansException
                || (cause is UnavailableExceptionFallbackException fallback
                    && Type.GetType(fallback.ExceptionType ?? "", throwOnError: false) is { } type
                    && type.IsAssignableTo(typeof(DbException))))
            {
                return false;
            }
        }

        return true;
    }
}
