using AmoHub.Grains.Interfaces.Crm;
using Microsoft.AspNetCore.Diagnostics;

namespace AmoHub.WebApi.Hosting;

/// <summary>
/// Turns a field a grain refused (<see cref="InvalidFieldException"/>: an amoCRM pipeline or status the account does
/// not have) into the 400 validation problem the endpoints answer their own field checks with, naming the field.
/// </summary>
public sealed class InvalidFieldExceptionHandler : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not InvalidFieldException invalid)
        {
            return false;
        }

        await Problems.Invalid(invalid.Field, invalid.Message).ExecuteAsync(httpContext);
        return true;
    }
}
