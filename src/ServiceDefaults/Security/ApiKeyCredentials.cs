using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace AmoHub.ServiceDefaults.Security;

/// <summary>
/// Reads the API key a request carries: <c>X-Api-Key: key</c>, <c>Authorization: Bearer key</c>, or (for browsers
/// on <c>/orleans</c>) <c>Authorization: Basic</c> with the key as the password.
/// </summary>
public static class ApiKeyCredentials
{
    /// <summary>The header that carries a bare key.</summary>
    public const string HeaderName = "X-Api-Key";

    /// <summary>The key presented, "" when credentials are present but unreadable, null when the request carries none.</summary>
    public static string? Read(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Headers[HeaderName] is { Count: > 0 } apiKey)
        {
            return apiKey.ToString().Trim();
        }

        var authorization = request.Headers[HeaderNames.Authorization].ToString();
        if (authorization.Length == 0)
        {
            return null;
        }

        if (TryParameter(authorization, "Bearer", out var bearer))
        {
            return bearer;
        }

        if (TryParameter(authorization, "Basic", out var basic))
        {
            return BasicPassword(basic);
        }

        return "";
    }

    private static bool TryParameter(string authorization, string scheme, out string parameter)
    {
        parameter = "";
        if (authorization.Length <= scheme.Length || authorization[scheme.Length] != ' '
            || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        parameter = authorization[(scheme.Length + 1)..].Trim();
        return true;
    }

    private static string BasicPassword(string encoded)
    {
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? "" : decoded[(colon + 1)..];
        }
        catch (FormatException)
        {
            return "";
        }
    }
}
