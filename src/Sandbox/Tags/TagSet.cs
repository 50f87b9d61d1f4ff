namespace AmoHub.Sandbox.Tags;

/// <summary>
/// The tags of one kind of entity of an account. A name is one tag whatever its case: writing it again, in any case,
/// reuses the tag. Not thread-safe: the account's lock guards it.
/// </summary>
internal sealed class TagSet
{
    private readonly Dictionary<long, SandboxTag> _byId = [];
    private readonly Dictionary<string, SandboxTag> _byName = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every tag, oldest first.</summary>
    public IEnumerable<SandboxTag> All => _byId.Values;

    /// <summary>The places in <paramref name="tags"/> of those naming an id the set does not have.</summary>
    public IEnumerable<int> Unknown(IReadOnlyList<TagInput>? tags) =>
        (tags ?? []).Select((tag, i) => (tag, i)).Where(item => item.tag.Id is { } id && !_byId.ContainsKey(id)).Select(item => item.i);

    /// <summary>
    /// The tags <paramref name="tags"/> name (every id known, see <see cref="Unknown"/>), each once, in order; a name
    /// the set does not have becomes a new tag with an id from <paramref name="newId"/>.
    /// </summary>
    public IReadOnlyList<SandboxTag> Resolve(IReadOnlyList<TagInput> tags, Func<long> newId)
    {
        var resolved = new List<SandboxTag>();
        foreach (var tag in tags)
        {
            var found = tag.Id is { } id ? _byId[id] : _byName.GetValueOrDefault(tag.Name!) ?? Add(new SandboxTag(newId(), tag.Name!));
            if (!resolved.Contains(found))
            {
                resolved.Add(found);
            }
        }

        return resolved;
    }

    private SandboxTag Add(SandboxTag tag)
    {
        _byId.Add(tag.Id, tag);
        _byName.Add(tag.Name, tag);
        return tag;
    }
}
