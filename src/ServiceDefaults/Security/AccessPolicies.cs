using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AmoHub.ServiceDefaults.Security;

/// <summary>The authorization policies of AmoHub's endpoints.</summary>
public static class AccessPolicies
{
    /// <summary>Needs the read role (or no key when <c>AmoHub:Auth:AnonymousRead</c> is on).</summary>
    public const string Read = "amohub:read";

    /// <summary>Needs the write role.</summary>
    public const string Write = "amohub:write";

    /// <summary>Needs the admin role.</summary>
    public const string Admin = "amohub:admin";

    /// <summary>Needs the role of <c>AmoHub:Auth:MetricsAccess</c>.</summary>
    public const string Metrics = "amohub:metrics";

    /// <summary>Adds the four policies.</summary>
    public static AuthorizationOptions AddAccessPolicies(this AuthorizationOptions options, AuthSettings settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        options.AddPolicy(Read, policy => policy.AddRequirements(new AccessRequirement(AccessRole.Read)));
        options.AddPolicy(Write, policy => policy.AddRequirements(new AccessRequirement(AccessRole.Write)));
        options.AddPolicy(Admin, policy => policy.AddRequirements(new AccessRequirement(AccessRole.Admin)));
        options.AddPolicy(Metrics, policy => policy.AddRequirements(new AccessRequirement(settings.MetricsAccess)));
        return options;
    }

    /// <summary>
    /// On a route group: requests that only read (GET, HEAD) need the read role, every other method the write role,
    /// so an endpoint added to the group later is covered too.
    /// </summary>
    public static TBuilder RequireReadOrWriteByMethod<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var methods = endpoint.Metadata.OfType<HttpMethodMetadata>().LastOrDefault()?.HttpMethods ?? [];
            var readsOnly = methods.Count > 0 && methods.All(method => HttpMethods.IsGet(method) || HttpMethods.IsHead(method));
            endpoint.Metadata.Add(new AuthorizeAttribute(readsOnly ? Read : Write));
        });
        return builder;
    }
}

/// <summary>A caller needs at least <paramref name="Minimum"/>.</summary>
public sealed record AccessRequirement(AccessRole Minimum) : IAuthorizationRequirement;

/// <summary>
/// Decides <see cref="AccessRequirement"/>. Without keys everything is allowed except admin, which answers on
/// loopback only; with keys the key's role must reach the minimum, and reads need no key when
/// <c>AmoHub:Auth:AnonymousRead</c> is on and the request presents none (a wrong key is refused, not ignored).
/// </summary>
public sealed class AccessRequirementHandler(ApiKeyRing keys, AuthSettings settings) : AuthorizationHandler<AccessRequirement>
{
    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AccessRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        if (Allows(context, requirement.Minimum))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    private bool Allows(AuthorizationHandlerContext context, AccessRole minimum)
    {
        var http = context.Resource as HttpContext;
        if (minimum == AccessRole.Anonymous)
        {
            return true;
        }

        if (!keys.Enabled)
        {
            return minimum < AccessRole.Admin || (http?.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address));
        }

        if (Enum.TryParse<AccessRole>(context.User.FindFirst(ApiKeyAuthenticationHandler.RoleClaim)?.Value, out var role) && role >= minimum)
        {
            return true;
        }

        return minimum == AccessRole.Read && settings.AnonymousRead && http is not null && ApiKeyCredentials.Read(http.Request) is null;
    }
}
