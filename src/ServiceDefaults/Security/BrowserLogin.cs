using Microsoft.AspNetCore.Builder;

namespace AmoHub.ServiceDefaults.Security;

/// <summary>
/// Marks endpoints that people open in a browser (the Orleans dashboard): a refusal there also offers HTTP Basic
/// login, so the browser asks for the key (as the password). API endpoints never offer it, so a script's fetch
/// never pops a browser dialog.
/// </summary>
public sealed class BrowserLogin
{
    private BrowserLogin()
    {
    }

    /// <summary>The one instance.</summary>
    public static BrowserLogin Instance { get; } = new();
}

/// <summary>Adds <see cref="BrowserLogin"/> to endpoints.</summary>
public static class BrowserLoginExtensions
{
    /// <summary>Refusals of these endpoints offer HTTP Basic login too.</summary>
    public static TBuilder OfferBrowserLogin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint => endpoint.Metadata.Add(BrowserLogin.Instance));
        return builder;
    }
}
