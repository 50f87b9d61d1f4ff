using AmoHub.Grains.Interfaces.Crm;

namespace AmoHub.Grains.Crm.Operations;

/// <summary>
/// What a stored create request must stay in order with: the requests for its phone, its email or its lead's name. Two
/// requests that share none of these make or find different entities, so neither need wait for the other.
/// </summary>
public static class OperationOrder
{
    /// <summary>The phone, email and lead name keys of <paramref name="submission"/>.</summary>
    public static HashSet<string> Keys(Submission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        Add("phone", submission.Contact?.Phone);
        Add("email", submission.Contact?.Email);
        Add("phone", submission.Lead?.ContactPhone);
        Add("email", submission.Lead?.ContactEmail);
        Add("lead", submission.Lead is { } lead ? NameKeys.Normalize(lead.Name) : null);
        return keys;

        void Add(string kind, string? value)
        {
            if (value is not null)
            {
                keys.Add(kind + ":" + value);
            }
        }
    }
}
