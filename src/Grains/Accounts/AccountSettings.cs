using System.ComponentModel.DataAnnotations;
using AmoHub.Grains.Interfaces.Accounts;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;

namespace AmoHub.Grains.Accounts;

/// <summary>One entry of <c>AmoHub:Accounts</c>: an amoCRM account to serve.</summary>
public sealed class AccountSettings : IValidatableObject
{
    /// <summary>The configuration section: a list of accounts.</summary>
    public const string Section = "AmoHub:Accounts";

    /// <summary>The account's subdomain, as in <c>https://{subdomain}.amocrm.ru</c>.</summary>
    public string Subdomain { get; set; } = "";

    /// <summary>Where the account lives; defaults to <c>https://{subdomain}.amocrm.ru</c> (use <c>kommo.com</c> for Kommo).</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The lead the POST probe writes to (a PATCH of its price); without one that probe reports a warning.</summary>
    [Range(1, long.MaxValue)]
    public long? TestLeadId { get; set; }

    /// <summary>The contact the Digital Pipeline probe renames with a marker; without one that probe reports a warning.</summary>
    [Range(1, long.MaxValue)]
    public long? TestContactId { get; set; }

    /// <summary>The amoCRM pipeline a new lead goes to when it names none; without one, amoCRM's main pipeline.</summary>
    [Range(1, long.MaxValue)]
    public long? DefaultPipelineId { get; set; }

    /// <summary>A long-lived token (private integration).</summary>
    public string? AccessToken { get; set; }

    /// <summary>OAuth integration id.</summary>
    public string? ClientId { get; set; }

    /// <summary>OAuth integration secret.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The redirect URI registered for the integration.</summary>
    public Uri? RedirectUri { get; set; }

    /// <summary>A refresh token to start from (single-use: AmoHub keeps the newer ones itself).</summary>
    public string? RefreshToken { get; set; }

    /// <summary>An authorization code (valid 20 minutes) to start from instead of a refresh token.</summary>
    public string? AuthorizationCode { get; set; }

    /// <summary>The credentials, when any are configured.</summary>
    public AccountCredentials? ToCredentials() =>
        AccessToken is null && ClientId is null
            ? null
            : new AccountCredentials(AccessToken, ClientId, ClientSecret, RedirectUri, RefreshToken, AuthorizationCode);

    /// <summary>The account's definition for the registry.</summary>
    public AccountDefinition ToDefinition() =>
        new(AccountName.Normalize(Subdomain), BaseUrl ?? new Uri($"https://{AccountName.Normalize(Subdomain)}.amocrm.ru/"), IsSandbox: false, TestLeadId, TestContactId,
            FromConfiguration: true, DefaultPipelineId);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!AccountName.TryNormalize(Subdomain, out _))
        {
            yield return new ValidationResult("must be an amoCRM subdomain: letters, digits and hyphens.", [nameof(Subdomain)]);
        }

        if (ClientId is not null && (ClientSecret is null || RedirectUri is null || (RefreshToken is null && AuthorizationCode is null)))
        {
            yield return new ValidationResult(
                "an OAuth integration needs ClientSecret, RedirectUri and a RefreshToken or AuthorizationCode too.",
                [nameof(ClientId)]);
        }

        if (AccessToken is not null && ClientId is not null)
        {
            yield return new ValidationResult("give either a long-lived AccessToken or OAuth settings, not both.", [nameof(AccessToken)]);
        }

        if (BaseUrl is not null && (!BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttps && BaseUrl.Scheme != Uri.UriSchemeHttp)))
        {
            yield return new ValidationResult("must be an absolute http(s) URL.", [nameof(BaseUrl)]);
        }
    }
}
