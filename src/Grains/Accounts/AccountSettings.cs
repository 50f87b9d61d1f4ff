using System.ComponentModel.DataAnnotations;
using AmoHub.Grains.Keys;

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

    /// <summary>The account's definition for the registry.</summary>
    public AccountDefinition ToDefinition() =>
        new(AccountName.Normalize(Subdomain), BaseUrl ?? new Uri($"https://{AccountName.Normalize(Subdomain)}.amocrm.ru/"), IsSandbox: false);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!AccountName.TryNormalize(Subdomain, out _))
        {
            yield return new ValidationResult("must be an amoCRM subdomain: letters, digits and hyphens.", [nameof(Subdomain)]);
        }

        if (BaseUrl is not null && (!BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttps && BaseUrl.Scheme != Uri.UriSchemeHttp)))
        {
            yield return new ValidationResult("must be an absolute http(s) URL.", [nameof(BaseUrl)]);
        }
    }
}
