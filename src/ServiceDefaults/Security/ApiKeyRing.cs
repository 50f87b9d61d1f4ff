using System.Security.Cryptography;

namespace AmoHub.ServiceDefaults.Security;

/// <summary>The deployment's API keys, by hash: finds the key a caller presented without ever holding a key.</summary>
public sealed class ApiKeyRing(AuthSettings settings)
{
    private readonly IReadOnlyList<(string Name, byte[] Hash, AccessRole Role)> _keys = settings.Keys
        .Select(key => (key.Name!, Convert.FromHexString(key.Hash!), key.Role))
        .ToList();

    /// <summary>Whether keys are configured: without any, AmoHub is open.</summary>
    public bool Enabled => _keys.Count > 0;

    /// <summary>The name and role of <paramref name="presented"/>, or null when it is no key of this deployment.</summary>
    public (string Name, AccessRole Role)? Find(string presented)
    {
        var hash = ApiKeyHash.Of(presented);
        (string Name, AccessRole Role)? found = null;
        foreach (var key in _keys)
        {
            // Every hash is compared, in constant time, so the answer's timing says nothing about the keys.
            if (CryptographicOperations.FixedTimeEquals(hash, key.Hash))
            {
                found = (key.Name, key.Role);
            }
        }

        return found;
    }
}
