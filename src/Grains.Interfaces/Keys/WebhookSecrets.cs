using System.Security.Cryptography;
using System.Text;

namespace AmoHub.Grains.Interfaces.Keys;

/// <summary>
/// amoCRM signs nothing, so AmoHub authenticates webhook deliveries by a secret in the destination URL. Only its
/// hash is used to look the account up, so the secret itself is never a grain key, a log field or an index.
/// </summary>
public static class WebhookSecrets
{
    /// <summary>A new random secret, URL-safe.</summary>
    public static string Create() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The lookup hash of a secret.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
