using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Storage;

namespace AmoHub.Silo;

/// <summary>
/// Makes sure the database schema is current before the silo starts (Orleans reads its queries from it): applies
/// the missing migrations itself, or, when a migration Job owns them (<see cref="MigrationMode.External"/>), waits
/// until that Job has applied them.
/// </summary>
public sealed partial class SchemaMigrationService(
    SchemaMigrator migrator,
    StorageSettings storage,
    TimeProvider time,
    ILogger<SchemaMigrationService> logger) : IHostedService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (storage.Migrations == MigrationMode.OnStart)
        {
            await migrator.MigrateAsync(cancellationToken);
            return;
        }

        var deadline = time.GetUtcNow() + storage.MigrationWaitTimeout;
        var pending = await migrator.PendingAsync(cancellationToken);
        while (pending.Count > 0)
        {
            if (time.GetUtcNow() >= deadline)
            {
                throw new InvalidOperationException(
                    $"The database schema still lacks migrations {string.Join(", ", pending)} after AmoHub:Storage:MigrationWaitTimeout ({storage.MigrationWaitTimeout}); " +
                    "AmoHub:Storage:Migrations is External, so run 'AmoHub.Silo --migrate' (the migration Job) first.");
            }

            LogWaiting(logger, pending.Count);
            await Task.Delay(PollInterval, time, cancellationToken);
            pending = await migrator.PendingAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Waiting for the migration job: {Count} schema migrations are not applied yet")]
    private static partial void LogWaiting(ILogger logger, int count);
}
