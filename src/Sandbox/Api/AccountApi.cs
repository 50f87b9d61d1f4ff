using System.Text.Json.Serialization;
using AmoHub.Sandbox.Accounts;
using AmoHub.Sandbox.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AmoHub.Sandbox.Api;

/// <summary>The answer of <c>GET api/v4/account</c>.</summary>
internal sealed record AccountJson(
    long Id,
    string Name,
    string Subdomain,
    long CreatedAt,
    long CreatedBy,
    long UpdatedAt,
    long UpdatedBy,
    long CurrentUserId,
    string Country,
    string Currency,
    string CurrencySymbol,
    string CustomersMode,
    bool IsUnsortedOn,
    bool IsLossReasonEnabled,
    bool IsHelpbotEnabled,
    bool IsTechnicalAccount,
    int ContactNameDisplayOrder,
    [property: JsonPropertyName("_links")] SelfLinks Links);

/// <summary><c>GET api/v4/account</c>: who the account is.</summary>
internal static class AccountApi
{
    public static RouteHandlerBuilder MapAccountApi(this IEndpointRouteBuilder api) => api.MapGet("account", Get);

    private static HalJson<AccountJson> Get(SandboxAccount account, HttpRequest request) => HalJson.Ok(new AccountJson(
        account.Id,
        account.Name,
        account.Subdomain,
        account.CreatedAt,
        SandboxAccount.ApiUserId,
        account.CreatedAt,
        SandboxAccount.ApiUserId,
        SandboxAccount.ApiUserId,
        "RU",
        "RUB",
        "₽",
        "disabled",
        true,
        true,
        false,
        false,
        1,
        new ApiLinks(request, account.Path).To("account")));
}
