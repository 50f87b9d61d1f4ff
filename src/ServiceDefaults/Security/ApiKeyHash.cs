using System.Security.Cryptography;
using System.Text;

namespace AmoHub.ServiceDefaults.Security;

/// <summary>How keys are stored: the SHA-256 of the key's UTF-8 bytes, as hexadecimal digits.</summary>
public static class ApiKeyHash
{
    /// <summary>The SHA-256 of <paramref name="key"/>.</summary>
    public static byte[] Of(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>Whether <paramref name="hash"/> is 64 hexadecimal digits.</summary>
    public static bool IsValid(string? hash) =>
        hash is { Length: 64 } && hash.All(char.IsAsciiHexDigit);
}
