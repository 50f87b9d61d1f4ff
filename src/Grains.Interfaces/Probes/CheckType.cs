




namespace AmoHub.Grains.Interfaces.Probes;

/// <summary>
/// The five things AmoHub probes for every amoCRM account. The values are stored (<c>check_results.check_type</c>):
/// never renumber them.
/// </summary>
public enum CheckType
{
    /// <summary>API read: a small list request.</summary>
    Get = 0,

    /// <summary>API write: a PATCH of a field on a test lead.</summary>
    Post = 1,

    /// <summary>The account's web UI.</summary>
    Web = 2,

    /// <summary>The webhooks API.</summary>
    Hook = 3,

    /// <summary>Digital Pipeline: a change that must come back as a webhook.</summary>
    Dp = 4,
}

/// <summary>Wire names of <see cref="CheckType"/> as the reference monitor spells them (GET, POST, WEB, HOOK, DP).</summary>
public static class CheckTypes
{
    /// <summary>All check types in display order.</summary>
    public static IReadOnlyList<CheckType> All { get; } = Enum.GetValues<CheckType>();

    /// <summary>The upper-case wire name of a check type.</summary>
    public static string ToWireName(this CheckType checkType) => checkType switch
    {
        CheckType.Get => "GET",
        CheckType.Post => "POST",
        CheckType.Web => "WEB",
        CheckType.Hook => "HOOK",
        CheckType.Dp => "DP",
        _ => throw new ArgumentOutOfRangeException(nameof(checkType), checkType, null),
    };

    /// <summary>Parses a wire name, case-insensitively.</summary>
    public static bool TryParse(string? value, out CheckType checkType)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.ToWireName(), value, StringComparison.OrdinalIgnoreCase))
            {
                checkType = candidate;
                return true;
            }
        }

        checkType = default;
        return false;
    }
}
