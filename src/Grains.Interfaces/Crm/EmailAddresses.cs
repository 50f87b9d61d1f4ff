namespace AmoHub.Grains.Interfaces.Crm;

/// <summary>
/// The one rule for "the same email", the second identity AmoHub deduplicates contacts by: an address is trimmed and
/// lower-cased in the invariant culture, so <c> Anna.Smirnova@Mail.RU</c> and <c>anna.smirnova@mail.ru</c> are one.
/// AmoHub keeps, compares and writes to amoCRM addresses in that form only, as it keeps phones in E.164 only; amoCRM
/// shows what a person typed there. An address is taken when it is at most <see cref="MaxLength"/> characters, holds
/// exactly one <c>@</c> with text before it, no white space or control characters, and a dot inside its domain.
/// </summary>
public static class EmailAddresses
{
    /// <summary>The longest address taken (RFC 5321's limit on a path, less its angle brackets).</summary>
    public const int MaxLength = 254;

    /// <summary>The address in AmoHub's form; false for anything that is not an address.</summary>
    public static bool TryNormalize(string? input, out string email)
    {
        email = "";
        var text = input?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength || text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return false;
        }

        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at < 1 || at != text.LastIndexOf('@'))
        {
            return false;
        }

        var domain = text.AsSpan(at + 1);
        var dot = domain.IndexOf('.');
        if (dot < 1 || domain[^1] == '.')
        {
            return false;
        }

        email = text.ToLowerInvariant();
        return true;
    }
}
