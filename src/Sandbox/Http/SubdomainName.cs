using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AmoHub.Sandbox.Http;

/// <summary>An account's subdomain: the first path segment, lowercase letters, digits and hyphens.</summary>
internal static partial class SubdomainName
{
    /// <summary>The name of the route parameter that carries it.</summary>
    public const string RouteParameter = "sub";

    /// <summary>Whether <paramref name="value"/> can name an account.</summary>
    public static bool IsValid(string value) => Pattern().IsMatch(value);

    /// <summary>Throws unless <paramref name="value"/> can name an account.</summary>
    public static string Require(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return IsValid(value)
            ? value
            : throw new ArgumentException("A subdomain is lowercase letters, digits and hyphens.", nameof(value));
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

/// <summary>The route constraint <c>{sub:subdomain}</c>.</summary>
internal sealed class SubdomainRouteConstraint : IRouteConstraint
{
    /// <summary>The constraint's name in route templates.</summary>
    public const string Name = "subdomain";

    /// <inheritdoc />
    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var value) && value is string text && SubdomainName.IsValid(text);
}
