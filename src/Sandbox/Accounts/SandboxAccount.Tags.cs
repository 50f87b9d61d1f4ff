using AmoHub.Sandbox.Http;
using AmoHub.Sandbox.Tags;

namespace AmoHub.Sandbox.Accounts;

internal sealed partial class SandboxAccount
{
    private readonly TagSet _contactTags = new();
    private readonly TagSet _leadTags = new();
    private long _lastTagId = 50_000_000;

    /// <summary>The tags of <paramref name="type"/>, by id.</summary>
    public IReadOnlyList<SandboxTag> Tags(SandboxEntityType type)
    {
        lock (_lock)
        {
            return TagsOf(type).All.ToList();
        }
    }

    /// <summary>A page of the tags of <paramref name="type"/>; <c>query</c> finds them by a part of the name, in any case.</summary>
    public (IReadOnlyList<SandboxTag> Items, bool HasMore) ListTags(SandboxEntityType type, ListQuery query)
    {
        lock (_lock)
        {
            return query.Select(TagsOf(type).All, tag => tag.Id, tag => tag.Id, (tag, search) => tag.Name.Contains(search, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>
    /// The errors of an entity's <paramref name="tags"/> that name an id the account's tags of <paramref name="type"/>
    /// do not have; <paramref name="prefix"/> goes before each path, for an entity inside another.
    /// </summary>
    private IEnumerable<ValidationError> UnknownTags(SandboxEntityType type, IReadOnlyList<TagInput>? tags, string prefix = "") =>
        TagsOf(type).Unknown(tags).Select(i => new ValidationError("NotFound", $"{prefix}_embedded.tags.{i}.id", "The tag does not exist."));

    /// <summary>The tags of <paramref name="type"/> an entity names, new names made new tags; <c>null</c> when it sent none.</summary>
    private IReadOnlyList<SandboxTag>? ResolveTags(SandboxEntityType type, IReadOnlyList<TagInput>? tags) =>
        tags is null ? null : TagsOf(type).Resolve(tags, () => ++_lastTagId);

    private TagSet TagsOf(SandboxEntityType type) => type == SandboxEntityType.Leads ? _leadTags : _contactTags;
}
