using System.Globalization;
using System.Text;

namespace AmoHub.Grains.Interfaces.Crm;

/// <summary>
/// The one rule for "the same name": leads are deduplicated by this key and name searches match it, on every
/// storage engine alike (the key columns compare bytes, never a database collation). Two names are the same when
/// they differ only in
/// <list type="bullet">
/// <item>case and spacing ("Заказ  №5 " and "заказ №5");</item>
/// <item>Unicode compatibility forms (NFKC: a full-width "Ａ" is "A", a precomposed "é" equals "e" + combining accent);</item>
/// <item>invisible characters (zero-width spaces and joiners, soft hyphens, byte-order marks: every format character);</item>
/// <item>"ё" written as "е", as Russian speakers do.</item>
/// </list>
/// Accented letters stay distinct ("Café" and "Cafe", "Müller" and "Muller", "ß" and "ss" are different names).
/// </summary>
public static class NameKeys
{
    /// <summary>The name's key under the rule above.</summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var composed = name.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(composed.Length);
        var pendingSpace = false;
        foreach (var character in composed)
        {
            if (char.IsWhiteSpace(character))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (CharUnicodeInfo.GetUnicodeCategory(character) == UnicodeCategory.Format)
            {
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(Fold(char.ToLowerInvariant(character)));
        }

        return builder.ToString();
    }

    private static char Fold(char lower) => lower == 'ё' ? 'е' : lower;
}
