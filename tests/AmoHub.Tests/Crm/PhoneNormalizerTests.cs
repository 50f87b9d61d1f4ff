using AmoHub.Grains.Interfaces.Crm;

namespace AmoHub.Tests.Crm;

public sealed class PhoneNormalizerTests
{
    private readonly PhoneNormalizer _phones = new(new PhoneSettings());

    [Theory]
    [InlineData("89031234567")]
    [InlineData("+7 903 123-45-67")]
    [InlineData("8 (903) 123-45-67")]
    [InlineData("+7(903)1234567")]
    [InlineData("9031234567")]
    [InlineData(" 7-903-123-45-67 ")]
    public void Russian_spellings_of_one_number_normalize_to_one_E164(string spelling)
    {
        Assert.True(_phones.TryNormalize(spelling, out var e164));
        Assert.Equal("+79031234567", e164);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12")]
    [InlineData("not a phone")]
    [InlineData("+7 903 123")]
    public void Strings_that_are_not_phone_numbers_are_refused(string input) =>
        Assert.False(_phones.TryNormalize(input, out _));

    [Fact]
    public void A_number_with_another_country_code_keeps_it() =>
        Assert.True(_phones.TryNormalize("+49 30 901820", out var e164) && e164 == "+4930901820");

    [Theory]
    [InlineData("+7 495 123-45-67 доб. 123", "+74951234567;ext=123")]
    [InlineData("8 (495) 123-45-67 ext. 123", "+74951234567;ext=123")]
    [InlineData("84951234567 x123", "+74951234567;ext=123")]
    [InlineData("+7 495 123 45 67 #123", "+74951234567;ext=123")]
    [InlineData("+7 495 123-45-67 доб. 1", "+74951234567;ext=1")]
    public void An_extension_stays_in_the_key(string spelling, string expected)
    {
        Assert.True(_phones.TryNormalize(spelling, out var key));
        Assert.Equal(expected, key);
    }

    [Fact]
    public void Two_extensions_of_one_office_number_and_the_bare_number_are_three_keys()
    {
        string[] spellings = ["+7 495 123-45-67 доб. 123", "+7 495 123-45-67 доб. 124", "+7 495 123-45-67"];

        var keys = spellings.Select(spelling => _phones.TryNormalize(spelling, out var key) ? key : null).ToList();

        Assert.DoesNotContain(null, keys);
        Assert.Equal(3, keys.Distinct().Count());
    }

    [Fact]
    public void Masking_keeps_only_the_country_code_and_the_last_two_digits() =>
        Assert.Equal("+7********67", PhoneNormalizer.Mask("+79031234567"));
}
