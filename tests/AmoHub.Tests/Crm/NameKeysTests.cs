using AmoHub.Grains.Interfaces.Crm;

namespace AmoHub.Tests.Crm;

public sealed class NameKeysTests
{
    [Theory]
    [InlineData("Заказ  №5 ", "заказ №5")]
    [InlineData("Алёна", "АЛЕНА")]
    [InlineData("Кафе\u200B Cafe", "кафе cafe")]
    [InlineData("Ка\u00ADфе", "кафе")]
    [InlineData("\uFEFFКафе\u2060", "кафе")]
    [InlineData("Ｃａｆｅ", "cafe")]
    [InlineData("Cafe\u0301", "Café")]
    [InlineData("Кафе\u00A0\tCafe", "кафе cafe")]
    public void Names_that_differ_only_in_case_spacing_compatibility_forms_invisibles_or_yo_share_a_key(string one, string other) =>
        Assert.Equal(NameKeys.Normalize(one), NameKeys.Normalize(other));

    [Theory]
    [InlineData("Кафе Café", "Кафе Cafe")]
    [InlineData("Müller", "Muller")]
    [InlineData("Straße", "Strasse")]
    [InlineData("Заказ 1", "Заказ 2")]
    public void Accented_letters_and_other_words_keep_names_apart(string one, string other) =>
        Assert.NotEqual(NameKeys.Normalize(one), NameKeys.Normalize(other));
}
