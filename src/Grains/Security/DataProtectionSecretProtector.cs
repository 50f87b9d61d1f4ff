using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace AmoHub.Grains.Security;

/// <summary>
/// <see cref="ISecretProtector"/> over ASP.NET Core Data Protection, with one purpose for all of AmoHub's stored
/// secrets. The key ring lives in the database (<see cref="DatabaseKeyRepository"/>) under a fixed application
/// name, so every silo of a deployment shares it.
/// </summary>
public sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    /// <summary>The data protection purpose of stored secrets; changing it makes every sealed secret unreadable.</summary>
    public const string Purpose = "AmoHub.StoredSecrets.v1";

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    /// <inheritdoc />
    public string Protect(string plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        return _protector.Protect(plaintext);
    }

    /// <inheritdoc />
    public string Unprotect(string protectedText)
    {
        ArgumentNullException.ThrowIfNull(protectedText);
        try
        {
            return _protector.Unprotect(protectedText);
        }
        catch (CryptographicException exception)
        {
            throw new InvalidOperationException(
                "A stored secret cannot be opened: the key that sealed it is not in data_protection_keys (was the table emptied, or is this silo on another database?).",
                exception);
        }
    }
}
