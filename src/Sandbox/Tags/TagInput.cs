using AmoHub.Sandbox.Http;

namespace AmoHub.Sandbox.Tags;

/// <summary>One tag of an entity's <c>_embedded.tags</c> in a request: an existing one by id, or any by name.</summary>
internal sealed record TagInput(long? Id, string? Name)
{
    /// <summary>
    /// Checks an entity's tags: each names an id or a name that is not blank (an error in <paramref name="errors"/>
    /// otherwise, at <c>_embedded.tags.{i}.name</c>). Names come back trimmed; <c>null</c> when the entity sent no tags.
    /// Whether an id exists is the account's to say.
    /// </summary>
    public static IReadOnlyList<TagInput>? Read(List<TagInput>? tags, List<ValidationError> errors)
    {
        if (tags is null)
        {
            return null;
        }

        for (var i = 0; i < tags.Count; i++)
        {
            if (tags[i].Id is null && string.IsNullOrWhiteSpace(tags[i].Name))
            {
                errors.Add(new ValidationError("NotBlank", $"_embedded.tags.{i}.name", "This value should not be blank."));
            }
        }

        return tags.Select(tag => tag with { Name = tag.Name?.Trim() }).ToList();
    }
}

/// <summary><c>_embedded</c> of a contact in a request: its tags.</summary>
internal sealed record TagsEmbeddedInput(List<TagInput>? Tags);
