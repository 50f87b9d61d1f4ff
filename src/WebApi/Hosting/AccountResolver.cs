using AmoHub.Grains;
using AmoHub.Grains.Keys;

namespace AmoHub.WebApi.Hosting;

/// <summary>
/// Resolves the <c>?account=</c> of a request. It may be left out when the deployment serves one account.
/// </summary>
public sealed class AccountResolver(IClusterClient client)
{
    /// <summary>The account, or a problem naming the <c>account</c> parameter.</summary>
    public async Task<(AccountDefinition? Account, IResult? Problem)> ResolveAsync(string? account)
    {
        var accounts = await client.GetGrain<IAccountRegistryGrain>(IAccountRegistryGrain.Key).ListAsync();
        if (string.IsNullOrWhiteSpace(account))
        {
            return accounts.Count == 1
                ? (accounts[0], null)
                : (null, TypedResults.ValidationProblem(
                    new Dictionary<string, string[]> { ["account"] = [accounts.Count == 0 ? "No account is configured yet." : "Several accounts are configured: name one."] }));
        }

        if (!AccountName.TryNormalize(account, out var subdomain))
        {
            return (null, TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["account"] = ["An account is an amoCRM subdomain: letters, digits and hyphens."] }));
        }

        var found = accounts.FirstOrDefault(candidate => candidate.Subdomain == subdomain);
        return found is null
            ? (null, TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown account", detail: $"No account '{subdomain}' is configured."))
            : (found, null);
    }
}
