using AmoHub.Grains.Persistence;

namespace AmoHub.Silo;

/// <summary>Brings the database schema up to date before the silo starts (Orleans reads its queries from it).</summary>
public sealed class SchemaMigrationService(SchemaMigrator migrator) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
