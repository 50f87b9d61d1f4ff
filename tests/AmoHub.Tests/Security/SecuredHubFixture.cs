using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Security;

/// <summary>One all-in-one AmoHub with a read, a write and an admin key, whose logs the tests read.</summary>
public sealed class SecuredHubFixture : IAsyncLifetime
{
    /// <summary>Everything the hub logged, authentication's own debug lines included.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>The hub.</summary>
    public InProcessAmoHub Hub { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync() =>
        Hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite, ApiKeys.Settings(new Dictionary<string, string>
        {
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug",
            ["Logging:LogLevel:AmoHub"] = "Debug",
        }), Logs);

    /// <inheritdoc />
    public async Task DisposeAsync() => await Hub.DisposeAsync();
}

/// <summary>The tests that share <see cref="SecuredHubFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SecuredHub : ICollectionFixture<SecuredHubFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "secured hub";
}
