using System.Text;

namespace AmoHub.Grains;

/// <summary>
/// Names compared case- and spacing-insensitively: leads are deduplicated by this key ("Заказ  №5 " and
/// "заказ №5" are one lead), and name searches match it.
/// </summary>
public static class NameKeys
{
    /// <summary>Trims, collapses runs of white space and lower-cases (invariant culture).</summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new StringBuilder(name.Length);
        foreach (var part in name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (builder.Length > 0)
            {
                builder.Append(' ');
            }

            builder.Append(part);
        }

        return builder.ToString().ToLowerInvariant();
    }
}
