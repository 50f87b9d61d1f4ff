namespace AmoHub.Sandbox.Notes;

/// <summary>A common note (<c>note_type: common</c>) on a lead or contact. Times are Unix seconds; notes are never edited.</summary>
/// <param name="Id">Its id.</param>
/// <param name="EntityType">What kind of entity it is on.</param>
/// <param name="EntityId">The lead or contact it is on.</param>
/// <param name="Text">Its text (<c>params.text</c>).</param>
/// <param name="CreatedBy">The user who wrote it.</param>
/// <param name="CreatedAt">When it was written.</param>
public sealed record SandboxNote(long Id, SandboxEntityType EntityType, long EntityId, string Text, long CreatedBy, long CreatedAt);
