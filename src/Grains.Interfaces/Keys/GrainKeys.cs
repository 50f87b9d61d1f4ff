using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.Grains.Interfaces.Keys;

/// <summary>
/// Builds the string keys of AmoHub's grains. Orleans' ADO.NET storage stores a string key that
/// parses as a GUID or a hexadecimal number as that number, so <c>"c1"</c> and <c>"00c1"</c> would
/// share a row. Every key built here therefore contains a separator (<c>/</c> or <c>:</c>) and a
/// kind word with non-hex letters, so no key can ever be read as a number.
/// </summary>
public static partial class GrainKeys
{
    private const string ProbeKind = "probe";

    /// <summary>Key of the account grain: <c>account:{subdomain}</c>.</summary>
    public static string Account(string subdomain) => $"account:{AccountName.Normalize(subdomain)}";

    /// <summary>Key of a probe grain: <c>{subdomain}/probe:{CHECK}</c>.</summary>
    public static string Probe(string account, CheckType checkType) =>
        $"{AccountName.Normalize(account)}/{ProbeKind}:{checkType.ToWireName()}";

    /// <summary>Key of a contact grain: <c>{subdomain}/contact:{amoCRM id}</c>.</summary>
    public static string Contact(string account, long amoCrmId) =>
        string.Create(CultureInfo.InvariantCulture, $"{AccountName.Normalize(account)}/contact:{amoCrmId}");

    /// <summary>Key of a lead grain: <c>{subdomain}/lead:{amoCRM id}</c>.</summary>
    public static string Lead(string account, long amoCrmId) =>
        string.Create(CultureInfo.InvariantCulture, $"{AccountName.Normalize(account)}/lead:{amoCrmId}");

    /// <summary>Key of a phone's dedup lock: <c>{subdomain}/phone:{E.164}</c>.</summary>
    public static string Phone(string account, string e164) => $"{AccountName.Normalize(account)}/phone:{e164}";

    /// <summary>Key of an email's dedup lock: <c>{subdomain}/email:{email, lower-cased}</c>.</summary>
    public static string Email(string account, string email) => $"{AccountName.Normalize(account)}/email:{email.ToLowerInvariant()}";

    /// <summary>
    /// Key of a lead name's dedup lock: <c>{subdomain}/lead-name:{SHA-256 of the normalized name}</c>, so any name,
    /// however long or in any script, makes a short key.
    /// </summary>
    public static string LeadName(string account, string normalizedName) =>
        $"{AccountName.Normalize(account)}/lead-name:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedName)))}";

    /// <summary>Key of an account's webhook inbox: <c>{subdomain}/webhooks:inbox</c>.</summary>
    public static string WebhookInbox(string account) => $"{AccountName.Normalize(account)}/webhooks:inbox";

    /// <summary>Key of an account's create requests and their backlog: <c>{subdomain}/operations</c>.</summary>
    public static string Operations(string account) => $"{AccountName.Normalize(account)}/operations";

    /// <summary>Key of an account's notifier: <c>{subdomain}/notifier</c>.</summary>
    public static string Notifier(string account) => $"{AccountName.Normalize(account)}/notifier";

    /// <summary>Key of the tracker of one check's outages across accounts: <c>platform/outage:{check}</c>.</summary>
    public static string Outage(CheckType checkType) => $"platform/outage:{checkType.ToWireName()}";
    /// <summary>Key of an account's weekly digest: <c>{subdomain}/digest</c>.</summary>
    public static string Digest(string account) => $"{AccountName.Normalize(account)}/digest";

    /// <summary>The amoCRM id at the end of a contact or lead key (<c>acme/contact:42</c> → 42).</summary>
    public static long AmoCrmIdOf(string key) =>
        long.Parse(key.AsSpan(key.LastIndexOf(':') + 1), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>The account a per-account grain key belongs to (the part before the first slash).</summary>
    public static string AccountOf(string key) => key[..key.IndexOf('/', StringComparison.Ordinal)];

    /// <summary>Splits a probe key back into its account and check type.</summary>
    public static (string Account, CheckType CheckType) ParseProbe(string key)
    {
        var match = ProbeKeyPattern().Match(key);
        if (!match.Success || !CheckTypes.TryParse(match.Groups["check"].Value, out var checkType))
        {
            throw new FormatException($"'{key}' is not a probe grain key.");
        }

        return (match.Groups["account"].Value, checkType);
    }

    [GeneratedRegex(@"^(?<account>[^/]+)/probe:(?<check>[A-Z]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ProbeKeyPattern();
}
