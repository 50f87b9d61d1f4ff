using System.ComponentModel.DataAnnotations;
using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.WebApi.StatusPage;

/// <summary>Settings under <c>AmoHub:StatusPage</c>: who may open <c>/status</c>, its language and its clock.</summary>
public sealed class StatusPageSettings : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:StatusPage";

    /// <summary>Anyone may open the page without a key; otherwise it needs a read key, as the dashboard's data does.</summary>
    public bool Public { get; set; }

    /// <summary>The page's language when the reader picks none: <c>ru</c> or <c>en</c>.</summary>
    public string Language { get; set; } = CheckReasons.Russian;

    /// <summary>The time zone of the times on the page (an IANA id such as <c>Europe/Moscow</c>).</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>The resolved <see cref="TimeZone"/> (start-up validation has checked the id).</summary>
    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Language is not (CheckReasons.Russian or CheckReasons.English))
        {
            yield return new ValidationResult("must be ru or en.", [nameof(Language)]);
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            yield return new ValidationResult("must be a time zone id such as UTC or Europe/Moscow.", [nameof(TimeZone)]);
        }
    }
}
