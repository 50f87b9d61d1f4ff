using System.Text.Json.Serialization;
using AmoHub.Sandbox.Http;

namespace AmoHub.Sandbox.Tags;

/// <summary>A tag as amoCRM sends it, in an entity's <c>_embedded.tags</c> and in tag lists; the sandbox's tags have no colour.</summary>
internal sealed record TagJson(long Id, string Name, string? Color)
{
    public static TagJson From(SandboxTag tag) => new(tag.Id, tag.Name, null);

    /// <summary>The tags of an entity.</summary>
    public static IReadOnlyList<TagJson> Of(IReadOnlyList<SandboxTag> tags) => tags.Select(From).ToList();
}

/// <summary>A page of <c>GET api/v4/{entity}/tags</c>.</summary>
internal sealed record TagPageJson(
    [property: JsonPropertyName("_page")] int Page,
    [property: JsonPropertyName("_links")] PageLinks Links,
    [property: JsonPropertyName("_embedded")] TagListJson Embedded);

/// <summary><c>_embedded</c> of a tag list.</summary>
internal sealed record TagListJson(IReadOnlyList<TagJson> Tags);
