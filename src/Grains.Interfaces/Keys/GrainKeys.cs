using System.Text.RegularExpressions;

namespace AmoHub.Grains.Keys;

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
