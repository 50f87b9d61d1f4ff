using System.Reflection;
using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.Tests.Monitoring;

public sealed class CheckReasonsTests
{
    private static readonly string[] AllCodes = typeof(CheckErrorCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.IsLiteral)
        .Select(field => (string)field.GetRawConstantValue()!)
        .ToArray();

    [Theory]
    [InlineData(CheckReasons.Russian)]
    [InlineData(CheckReasons.English)]
    public void Every_reason_code_and_only_those_has_a_text_in_each_language(string language)
    {
        Assert.Equal(AllCodes.Append(CheckReasons.Unknown).Order(StringComparer.Ordinal), CheckReasons.Codes(language).Order(StringComparer.Ordinal));
        Assert.All(AllCodes, code => Assert.False(string.IsNullOrWhiteSpace(CheckReasons.Describe(code, null, language))));
    }

    [Fact]
    public void A_reason_is_in_Russian_unless_English_is_asked_for()
    {
        Assert.Equal("Сбой на стороне amoCRM", CheckReasons.Describe(CheckErrorCodes.ServerError, 503, "ru"));
        Assert.Equal("Сбой на стороне amoCRM", CheckReasons.Describe(CheckErrorCodes.ServerError, 503, null));
        Assert.Equal("amoCRM failed on its side", CheckReasons.Describe(CheckErrorCodes.ServerError, 503, "EN"));
    }

    [Theory]
    [InlineData(503, "Сбой на стороне amoCRM")]
    [InlineData(429, "amoCRM ограничивает число запросов")]
    [InlineData(404, "amoCRM отклонил запрос")]
    [InlineData(null, "Проверка не проходит")]
    public void An_incident_stored_without_a_code_says_what_its_HTTP_status_means_or_that_the_check_fails(int? httpStatus, string expected) =>
        Assert.Equal(expected, CheckReasons.Describe(null, httpStatus, "ru"));

    [Fact]
    public void A_code_the_catalogue_does_not_know_says_that_the_check_fails() =>
        Assert.Equal("The check fails", CheckReasons.Describe("from_a_later_version", 500, "en"));
}
