using AmoHub.ServiceDefaults.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;

namespace AmoHub.Grains.Security;

/// <summary>Registers the sealing of stored secrets.</summary>
public static class SecretProtectionServices
{
    /// <summary>The data protection application name: fixed, so every silo of a deployment shares one key ring.</summary>
    public const string ApplicationName = "AmoHub";

    /// <summary>
    /// Adds Data Protection with its key ring in the database, <see cref="ISecretProtector"/>, and the start-up step
    /// that loads the ring. Register it after the schema migration and before the silo, so the table exists and the
    /// ring is loaded before grains run.
    /// </summary>
    public static IServiceCollection AddAmoHubSecretProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyManagementOptions>()
            .Configure<AmoHubDatabase>((options, database) => options.XmlRepository = new DatabaseKeyRepository(database));
        services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();
        services.AddHostedService<KeyRingWarmUp>();
        return services;
    }
}
