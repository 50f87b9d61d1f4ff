using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Storage;
using Microsoft.Extensions.Hosting;

namespace AmoHub.Grains.Security;

/// <summary>
/// Loads the key ring before the silo starts its grains, so no grain waits on it, and on a new database creates the
/// first key. On MySQL silos starting together take turns under a named lock: the first creates the key, the others
/// find it, and all of them seal with the same key from the start.
/// </summary>
public sealed class KeyRingWarmUp(ISecretProtector protector, AmoHubDatabase database) : IHostedService
{
    private const string LockName = "amohub.data-protection";

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (database.Provider != StorageProvider.MySql)
        {
            LoadKeyRing();
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        if (!await MySqlNamedLock.TryAcquireAsync(connection, LockName, TimeSpan.FromSeconds(60), cancellationToken))
        {
            throw new InvalidOperationException("Another process has held the data protection key lock for 60 s; giving up.");
        }

        try
        {
            LoadKeyRing();
        }
        finally
        {
            await MySqlNamedLock.ReleaseAsync(connection, LockName);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void LoadKeyRing() => protector.Unprotect(protector.Protect(nameof(KeyRingWarmUp)));
}
