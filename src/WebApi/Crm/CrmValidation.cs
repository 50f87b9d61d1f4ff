using AmoHub.Grains.Interfaces.Crm;

namespace AmoHub.WebApi.Crm;

/// <summary>Field checks shared by the endpoints; each failure names its field.</summary>
public static class CrmValidation
{
    /// <summary>Longest name amoCRM and AmoHub accept.</summary>
    public const int MaxNameLength = 255;

    /// <summary>Largest page size of a list.</summary>
    public const int MaxPageSize = 250;

    /// <summary>A trimmed name of 1-255 characters without control characters.</summary>
    public static string? Name(string? value, string field, Dictionary<string, string[]> errors, bool required = true) =>
        Text(value, field, MaxNameLength, errors, required);

    /// <summary>
    /// A trimmed text of 1 to <paramref name="maxLength"/> characters without control characters (line breaks and
    /// tabs allowed when <paramref name="multiline"/>); null and an error under <paramref name="field"/> otherwise.
    /// </summary>
    public static string? Text(string? value, string field, int maxLength, Dictionary<string, string[]> errors, bool required = true, bool multiline = false)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            if (required)
            {
                errors[field] = [$"is required: 1 to {maxLength} characters."];
            }

            return null;
        }

        if (text.Length > maxLength)
        {
            errors[field] = [$"is {text.Length} characters long; at most {maxLength} are allowed."];
            return null;
        }

        if (text.Any(c => char.IsControl(c) && !(multiline && c is ('\n' or '\r' or '\t'))))
        {
            errors[field] = ["must not contain control characters."];
            return null;
        }

        return text;
    }

    /// <summary>A phone in any usual spelling, as E.164.</summary>
    public static string? Phone(string? value, string field, PhoneNormalizer phones, Dictionary<string, string[]> errors, bool required = true)
    {
        ArgumentNullException.ThrowIfNull(phones);
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                errors[field] = ["is required."];
            }

            return null;
        }

        if (!phones.TryNormalize(value, out var e164))
        {
            errors[field] = ["is not a valid phone number. Write it with its country code (+7 903 123-45-67) or as a Russian number (8 903 123-45-67)."];
            return null;
        }

        return e164;
    }

    /// <summary>An email as <see cref="EmailAddresses"/> takes it, in its form (trimmed, lower-cased); null when none is given.</summary>
    public static string? Email(string? value, string field, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!EmailAddresses.TryNormalize(value, out var email))
        {
            errors[field] = [$"is not a valid email: one @, no spaces, a dot in the domain, at most {EmailAddresses.MaxLength} characters (anna.smirnova@mail.ru)."];
            return null;
        }

        return email;
    }

    /// <summary>Paging parameters: page from 1, page size 1-250 (default 50).</summary>
    public static (int Page, int PageSize) Paging(int? page, int? pageSize, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (page is < 1)
        {
            errors["page"] = ["must be 1 or more."];
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"must be between 1 and {MaxPageSize}."];
        }

        return (page ?? 1, pageSize ?? 50);
    }
}
