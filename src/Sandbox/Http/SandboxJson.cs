using System.Text.Encodings.Web;
using System.Text.Json;

namespace AmoHub.Sandbox.Http;

/// <summary>The JSON settings amoCRM's wire format needs: snake_case names, Cyrillic, <c>+</c> and <c>&amp;</c> written as is.</summary>
internal static class SandboxJson
{
    /// <summary>Options for bodies the sandbox reads and writes itself.</summary>
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applies the sandbox's naming and encoding to <paramref name="options"/>.</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        return options;
    }
}
