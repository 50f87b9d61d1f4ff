using System.Text.Json.Serialization;
using AmoHub.Sandbox.Accounts;
using AmoHub.Sandbox.Http;
using AmoHub.Sandbox.Notes;

namespace AmoHub.Sandbox.Api;

/// <summary>A note as <c>GET api/v4/{entity}/notes</c> sends it.</summary>
internal sealed record NoteJson(
    long Id,
    long EntityId,
    long CreatedBy,
    long UpdatedBy,
    long CreatedAt,
    long UpdatedAt,
    long ResponsibleUserId,
    long GroupId,
    string NoteType,
    NoteParamsJson Params,
    long AccountId,
    [property: JsonPropertyName("_links")] SelfLinks Links)
{
    /// <summary>The note; never edited, so it was last updated when and by whom it was written.</summary>
    public static NoteJson From(SandboxNote note, long accountId, ApiLinks links) => new(
        note.Id,
        note.EntityId,
        note.CreatedBy,
        note.CreatedBy,
        note.CreatedAt,
        note.CreatedAt,
        SandboxAccount.ApiUserId,
        0,
        NoteDraft.CommonType,
        new NoteParamsJson(note.Text),
        accountId,
        links.To(Path(note)));

    /// <summary>The note's path under <c>api/v4</c>, such as <c>leads/30000001/notes/40000001</c>.</summary>
    public static string Path(SandboxNote note) => $"{note.EntityType.Path()}/{note.EntityId}/notes/{note.Id}";
}

/// <summary>The <c>params</c> of a common note.</summary>
internal sealed record NoteParamsJson(string Text);

/// <summary>A page of notes.</summary>
internal sealed record NotePageJson(
    [property: JsonPropertyName("_page")] int Page,
    [property: JsonPropertyName("_links")] PageLinks Links,
    [property: JsonPropertyName("_embedded")] NoteListJson Embedded);

/// <summary><c>_embedded</c> of a note list.</summary>
internal sealed record NoteListJson(IReadOnlyList<NoteJson> Notes);

/// <summary>The answer to a note create.</summary>
internal sealed record NoteBatchJson(
    [property: JsonPropertyName("_links")] SelfLinks Links,
    [property: JsonPropertyName("_embedded")] NoteBatchListJson Embedded);

/// <summary><c>_embedded</c> of a note create answer.</summary>
internal sealed record NoteBatchListJson(IReadOnlyList<NoteResultJson> Notes);

/// <summary>One note in a create answer: its id, its entity and the client's <c>request_id</c>.</summary>
internal sealed record NoteResultJson(long Id, long EntityId, string RequestId, [property: JsonPropertyName("_links")] SelfLinks Links);
