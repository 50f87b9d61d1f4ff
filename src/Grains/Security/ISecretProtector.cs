



namespace AmoHub.Grains.Security;

/// <summary>
/// Seals the secrets grains keep in their stored state (amoCRM tokens, webhook URLs), so that a grain state row
/// holds ciphertext only. Every silo of a deployment opens what any other silo sealed.
/// </summary>
public interface ISecretProtector
{
    /// <summary>Seals a secret; the result is URL-safe text.</summary>
    string Protect(string plaintext);

    /// <summary>Opens a sealed secret; throws <see cref="InvalidOperationException"/> when no key of the ring opens it.</summary>
    string Unprotect(string protectedText);
}
