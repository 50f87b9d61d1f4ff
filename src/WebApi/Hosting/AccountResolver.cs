using AmoHub.Grains.Interfaces.Accounts;
using AmoHub.Grains.Interfaces.Keys;

namespace AmoHub.WebApi.Hosting;

/// <summary>The outcome of resolving <c>?account=</c>: the account, or a problem saying why there is none.</summary>
public sealed record AccountResolution(AccountDefinition? Account, IResult? Problem);

/// <summary>
/// Resolves the <c>?account=</c> of a request. It may be left out when the deployment serves one account. The
/// registry is read again while the silo it lives on is lost (<see cref="SiloLoss"/>): a form sent then still finds
/// its account.
/// </summary>
public sealed class AccountResolver(IClusterClient client, TimeProvider time)
{
    /// <summary>The account, or a problem naming the <c>account</c> parameter.</summary>
    public async Task<AccountResolution> ResolveAsync(string? account)
    {
        var registry = client.GetGrain<IAccountRegistryGrain>(IAccountRegistryGrain.Key);
        if (string.IsNullOrWhiteSpace(account))
        {
            var accounts = await SiloLoss.RetryAsync(registry.ListAsync, time);
            return accounts.Count == 1
                ? new(accounts[0], null)
                : Invalid(accounts.Count == 0 ? "No account is configured yet." : "Several accounts are configured: name one.");
        }

        if (!AccountName.TryNormalize(account, out var subdomain))
        {
            return Invalid("An account is an amoCRM subdomain: letters, digits and hyphens.");
        }

        var found = await SiloLoss.RetryAsync(() => registry.FindAsync(subdomain), time);
        return found is null
            ? new(null, TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown account", detail: $"No account '{subdomain}' is configured."))
            : new(found, null);
    }

    private static AccountResolution Invalid(string message) => new(null, Problems.Invalid("account", message));
}
