using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace AmoHub.Grains.Interfaces.Keys;

/// <summary>An amoCRM account is named by its subdomain: lower-case letters, digits and hyphens.</summary>
public static partial class AccountName
{
    /// <summary>Lower-cases and checks a subdomain; throws <see cref="ArgumentException"/> when it is not one.</summary>
    public static string Normalize(string subdomain)
    {
        if (!TryNormalize(subdomain, out var normalized))
        {
            throw new ArgumentException(
                "An account name is an amoCRM subdomain: 1-63 letters, digits or hyphens, not starting or ending with a hyphen.",
                nameof(subdomain));
        }

        return normalized;
    }

    /// <summary>Lower-cases and checks a subdomain without throwing.</summary>
    public static bool TryNormalize(string? subdomain, [NotNullWhen(true)] out string? normalized)
    {
        normalized = subdomain?.Trim().ToLowerInvariant();
        if (normalized is null || !SubdomainPattern().IsMatch(normalized))
        {
            normalized = null;
            return false;
        }

        return true;
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex SubdomainPattern();
}
