using System.ComponentModel.DataAnnotations;
using PhoneNumbers;

namespace AmoHub.Grains.Interfaces.Crm;

/// <summary>Settings under <c>AmoHub:Phones</c>.</summary>
public sealed class PhoneSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:Phones";

    /// <summary>Region for numbers written without a country code (<c>8 903 …</c> is Russian with the default).</summary>
    [Required, RegularExpression("^[A-Z]{2}$", ErrorMessage = "must be a two-letter ISO 3166 region code such as RU.")]
    public string DefaultRegion { get; set; } = "RU";
}

/// <summary>
/// Turns the many spellings of a phone number (<c>89031234567</c>, <c>+7 (903) 123-45-67</c>, <c>8-903-123-45-67</c>)
/// into one E.164 string (<c>+79031234567</c>), the identity AmoHub deduplicates contacts by. An extension
/// (<c>доб. 123</c>, <c>ext. 123</c>, <c>x123</c>, <c>#123</c>) stays in the key as RFC 3966 writes it
/// (<c>+74951234567;ext=123</c>): two extensions of one office number are two people, and the bare number a third.
/// </summary>
public sealed class PhoneNormalizer(PhoneSettings settings)
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>The E.164 form of a valid number, with its extension if it has one; false for anything that is not one.</summary>
    public bool TryNormalize(string? input, out string e164)
    {
        e164 = "";
        if (string.IsNullOrWhiteSpace(input) || input.Length > 64)
        {
            return false;
        }

        try
        {
            var number = Util.Parse(input, settings.DefaultRegion);
            if (!Util.IsValidNumber(number))
            {
                return false;
            }

            e164 = Util.Format(number, PhoneNumberFormat.E164);
            if (number.HasExtension && number.Extension.Length > 0)
            {
                e164 += ";ext=" + number.Extension;
            }

            return true;
        }
        catch (NumberParseException)
        {
            return false;
        }
    }

    /// <summary>A phone for logs: the country code and the last two digits, the rest masked.</summary>
    public static string Mask(string phone) =>
        phone.Length <= 4 ? new string('*', phone.Length) : string.Concat(phone.AsSpan(0, 2), new string('*', phone.Length - 4), phone.AsSpan(phone.Length - 2));
}
