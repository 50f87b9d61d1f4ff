using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AmoHub.ServiceDefaults.Security;

/// <summary>
/// Authenticates a request by the API key it carries (see <see cref="ApiKeyCredentials"/>): the caller becomes the
/// key's name with the key's role. Refusals are <c>application/problem+json</c> and never repeat the key.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyRing keys,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>The claim that carries the key's role.</summary>
    public const string RoleClaim = "amohub:role";

    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!keys.Enabled || ApiKeyCredentials.Read(Request) is not { } presented)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (keys.Find(presented) is not { } key)
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not one of this deployment's keys."));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, key.Name), new Claim(RoleClaim, key.Role.ToString())],
            SchemeName, ClaimTypes.Name, RoleClaim);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, "Bearer");
        if (Context.GetEndpoint()?.Metadata.GetMetadata<BrowserLogin>() is not null)
        {
            Response.Headers.Append(HeaderNames.WWWAuthenticate, "Basic realm=\"AmoHub\", charset=\"UTF-8\"");
        }

        var detail = !keys.Enabled
            ? "AmoHub has no API keys configured, so operator endpoints answer only on loopback: configure AmoHub:Auth:Keys to reach them from elsewhere."
            : ApiKeyCredentials.Read(Request) is null
                ? $"Send an API key as 'Authorization: Bearer <key>' or '{ApiKeyCredentials.HeaderName}: <key>'."
                : "The API key is not valid.";
        return WriteProblemAsync(StatusCodes.Status401Unauthorized, "Authentication required", detail);
    }

    /// <inheritdoc />
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var role = Context.User.FindFirst(RoleClaim)?.Value ?? "none";
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return WriteProblemAsync(StatusCodes.Status403Forbidden, "Not allowed",
            string.Create(CultureInfo.InvariantCulture, $"The API key's role ({role.ToLowerInvariant()}) does not allow this request."));
    }

    private Task WriteProblemAsync(int status, string title, string detail) =>
        problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }).AsTask();
}
