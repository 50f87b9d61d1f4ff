using System.Collections.Frozen;
using System.Text.Json;

namespace AmoHub.Grains.Interfaces.Probes;

/// <summary>
/// Why a check is not up, in the words of the person reading: Russian (the default) or English, from the reason's
/// code (<see cref="CheckErrorCodes"/>), never from the raw error, which stays for operators (the API, logs). The texts
/// are one catalogue, <c>reasons.json</c> beside this file, embedded here for alerts and the status page and bundled
/// into the dashboard, so every surface says a reason the same way.
/// </summary>
public static class CheckReasons
{
    /// <summary>The language code of Russian, the default.</summary>
    public const string Russian = "ru";

    /// <summary>The language code of English.</summary>
    public const string English = "en";

    /// <summary>The catalogue's entry for a check that fails for a reason it has no text for.</summary>
    public const string Unknown = "unknown";

    private static readonly FrozenDictionary<string, FrozenDictionary<string, string>> Texts = Load();

    /// <summary>The codes the catalogue has a text for in <paramref name="language"/> (tests hold it to <see cref="CheckErrorCodes"/>).</summary>
    public static IEnumerable<string> Codes(string language) => Catalogue(language).Keys;

    /// <summary>
    /// The reason in <paramref name="language"/> (<c>en</c>, else Russian): the text of <paramref name="errorCode"/>;
    /// for a result or incident stored without a code, the text of its HTTP status's code; else a plain "the check
    /// fails", as for a code the catalogue does not know.
    /// </summary>
    public static string Describe(string? errorCode, int? httpStatus, string? language)
    {
        var texts = Catalogue(language);
        var code = errorCode ?? (httpStatus is { } status and >= 400 ? CheckErrorCodes.ForHttpStatus(status) : Unknown);
        return texts.TryGetValue(code, out var text) ? text : texts[Unknown];
    }

    private static FrozenDictionary<string, string> Catalogue(string? language) =>
        Texts[string.Equals(language, English, StringComparison.OrdinalIgnoreCase) ? English : Russian];

    private static FrozenDictionary<string, FrozenDictionary<string, string>> Load()
    {
        using var stream = typeof(CheckReasons).Assembly.GetManifestResourceStream("AmoHub.Grains.Interfaces.Probes.reasons.json")
            ?? throw new InvalidOperationException("The reasons' texts (Probes/reasons.json) are not embedded in this assembly.");
        var languages = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(stream)
            ?? throw new InvalidOperationException("Probes/reasons.json holds no texts.");
        return languages.ToFrozenDictionary(language => language.Key, language => language.Value.ToFrozenDictionary());
    }
}
