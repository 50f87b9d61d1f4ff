using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AmoHub.ServiceDefaults.Configuration;

/// <summary>
/// Binds a configuration section to a settings class and checks it at once, so that a bad setting
/// stops start-up before anything is wired, with a message that names the full key
/// (<c>AmoHub:Storage:ConnectionString</c>), never the value.
/// </summary>
public static class ValidatedSettings
{
    /// <summary>Binds <paramref name="sectionPath"/> to <typeparamref name="T"/> and validates it.</summary>
    /// <exception cref="OptionsValidationException">A setting is missing or wrong.</exception>
    public static T Get<T>(IConfiguration configuration, string sectionPath)
        where T : class, new()
    {
        var settings = new T();
        try
        {
            configuration.GetSection(sectionPath).Bind(settings);
        }
        catch (InvalidOperationException exception)
        {
            throw new OptionsValidationException(sectionPath, typeof(T), [exception.Message]);
        }

        var failures = Validate(settings, sectionPath);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(sectionPath, typeof(T), failures);
        }

        return settings;
    }

    /// <summary>Runs data-annotation and <see cref="IValidatableObject"/> rules; each failure names its key.</summary>
    public static IReadOnlyList<string> Validate(object settings, string sectionPath)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true);
        return results
            .Select(result =>
            {
                var members = result.MemberNames.ToList();
                var key = members.Count == 0 ? sectionPath : string.Join(", ", members.Select(m => $"{sectionPath}:{m}"));
                return $"{key}: {result.ErrorMessage}";
            })
            .ToList();
    }
}
