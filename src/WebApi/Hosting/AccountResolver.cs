using AmoHub.Grains;
using AmoHub.Grains.Keys;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AmoHub.WebApi.Hosting;

/// <summary>The outcome of resolving <c>?account=</c>: the account, or why there is none.</summary>
public sealed record AccountResolution(AccountDefinition? Account, ValidationProblem? Invalid, ProblemHttpResult? Unknown);

/// <summary>
/// Resolves the <c>?account=</c> of a request. It may be left out when the deployment serves one account.
/// </summary>
public sealed class AccountResolver(IClusterClient client)
{
    /// <summary>The account, or a problem naming the <c>account</c> parameter.</summary>
    public async Task<AccountResolution> ResolveAsync(string? account)
    {
        var accounts = await client.GetGrain<IAccountRegistryGrain>(IAccountRegistryGrain.Key).ListAsync();
        if (string.IsNullOrWhiteSpace(account))
        {
            return accounts.Count == 1
                ? new(accounts[0], null, null)
                : Invalid(accounts.Count == 0 ? "No account is configured yet." : "Several accounts are configured: name one.");
        }

        if (!AccountName.TryNormalize(account, out var subdomain))
        {
            return Invalid("An account is an amoCRM subdomain: letters, digits and hyphens.");
        }

        var found = accounts.FirstOrDefault(candidate => candidate.Subdomain == subdomain);
        return found is null
            ? new(null, null, TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown account", detail: $"No account '{subdomain}' is configured."))
            : new(found, null, null);
    }

    private static AccountResolution Invalid(string message) =>
        new(null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["account"] = [message] }), null);
}
