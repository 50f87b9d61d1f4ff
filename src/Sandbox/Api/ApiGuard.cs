using AmoHub.Sandbox.Accounts;
using AmoHub.Sandbox.Faults;
using AmoHub.Sandbox.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Net.Http.Headers;

namespace AmoHub.Sandbox.Api;

/// <summary>
/// What every <c>/api/v4</c> request passes before its endpoint, in the order amoCRM's layers apply it: the
/// block (403) and the rate limit (429) at the edge, the account's faults, its payment (402), then the bearer token
/// (401).
/// </summary>
internal sealed class ApiGuard(IHostApplicationLifetime lifetime) : IEndpointFilter
{
    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var account = SandboxAccount.Of(http);
        switch (account.Admit())
        {
            case SandboxAccount.Admission.Blocked:
                return new EdgePage(StatusCodes.Status403Forbidden);
            case SandboxAccount.Admission.TooManyRequests:
                return new EdgePage(StatusCodes.Status429TooManyRequests);
        }

        if (await FaultGate.ApplyAsync(account.Fault, http, lifetime.ApplicationStopping) is { } fault)
        {
            return fault;
        }

        if (account.Unpaid)
        {
            return AmoProblem.Status(
                StatusCodes.Status402PaymentRequired, "The account's subscription has ended: its plan must be paid before the API answers again.");
        }

        if (account.Authenticate(BearerToken(http.Request)) is { } refusal)
        {
            return AmoProblem.Status(StatusCodes.Status401Unauthorized, refusal);
        }

        return await next(context);
    }

    private static string? BearerToken(HttpRequest request)
    {
        const string scheme = "Bearer ";
        var header = request.Headers[HeaderNames.Authorization].ToString();
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header.Length > scheme.Length
            ? header[scheme.Length..].Trim()
            : null;
    }
}
