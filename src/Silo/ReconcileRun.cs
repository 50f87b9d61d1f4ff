using System.Text.Json;
using AmoHub.Grains.Interfaces.Accounts;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;

namespace AmoHub.Silo;

/// <summary>
/// <c>AmoHub.Silo --reconcile</c>: the recovery step after a restore, run before AmoHub serves again. It starts AmoHub
/// with its settings, compares every account's copy with amoCRM (<see cref="IAccountGrain.ReconcileAsync"/>), prints
/// each account's report as a JSON line, and stops. Exit code 0 when every account was compared, 1 when one stopped short.
/// </summary>
public static class ReconcileRun
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Runs the reconciliation of every account; the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(time);
        await using var app = SiloHost.Build(args);
        await app.StartAsync();
        try
        {
            var grains = app.Services.GetRequiredService<IGrainFactory>();
            var accounts = await grains.GetGrain<IAccountRegistryGrain>(IAccountRegistryGrain.Key).ListAsync();
            var failed = 0;
            foreach (var account in accounts)
            {
                var amoCrm = grains.GetGrain<IAccountGrain>(GrainKeys.Account(account.Subdomain));
                await amoCrm.ReconcileAsync();
                Reconciliation? report;
                while ((report = (await amoCrm.GetSyncStatusAsync()).Reconciliation) is null or { Running: true })
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), time);
                }

                failed += report.Error is null ? 0 : 1;
                await output.WriteLineAsync(JsonSerializer.Serialize(new { account = account.Subdomain, reconciliation = report }, Json));
            }

            return failed == 0 ? 0 : 1;
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
