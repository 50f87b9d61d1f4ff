using AmoHub.Sandbox.Accounts;
using AmoHub.Sandbox.Http;
using AmoHub.Sandbox.Notes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace AmoHub.Sandbox.Api;

/// <summary>
/// <c>api/v4/{entity}/notes</c> and <c>api/v4/{entity}/{id}/notes</c>: common notes on leads or contacts, added in
/// batches and listed in pages, of every entity or of one.
/// </summary>
internal static class NotesApi
{
    /// <summary>The most notes one create request may carry, as for every batch create.</summary>
    private const int MaxBatch = 250;

    /// <summary>Maps the notes routes under <paramref name="entity"/>, the group of <paramref name="type"/>.</summary>
    public static IEndpointRouteBuilder MapNotesApi(this IEndpointRouteBuilder entity, SandboxEntityType type)
    {
        entity.MapGet("notes", (SandboxAccount account, HttpRequest request) => List(account, request, type, null));
        entity.MapPost("notes", (SandboxAccount account, HttpRequest request) => AddAsync(account, request, type, null));
        entity.MapGet("{id:long}/notes", (SandboxAccount account, long id, HttpRequest request) => List(account, request, type, id));
        entity.MapPost("{id:long}/notes", (SandboxAccount account, long id, HttpRequest request) => AddAsync(account, request, type, id));
        entity.MapGet("{id:long}/notes/{noteId:long}", (SandboxAccount account, long id, long noteId, HttpRequest request) =>
            account.FindNote(type, id, noteId) is { } note
                ? (Results<HalJson<NoteJson>, NoContent>)HalJson.Ok(NoteJson.From(note, account.Id, new ApiLinks(request, account.Path)))
                : TypedResults.NoContent());
        return entity;
    }

    private static Results<HalJson<NotePageJson>, NoContent, AmoProblem> List(SandboxAccount account, HttpRequest request, SandboxEntityType type, long? entityId)
    {
        var query = ListQuery.Parse(request.Query);
        if (query.Failed)
        {
            return query.Problem;
        }

        var page = query.Value.CappedAt(account.PageCap);
        var (notes, hasMore) = account.ListNotes(type, entityId, page);
        if (notes.Count == 0)
        {
            return TypedResults.NoContent();
        }

        var links = new ApiLinks(request, account.Path);
        return HalJson.Ok(new NotePageJson(
            page.Page,
            links.Page(entityId is { } id ? $"{type.Path()}/{id}/notes" : $"{type.Path()}/notes", page, hasMore),
            new NoteListJson(notes.Select(note => NoteJson.From(note, account.Id, links)).ToList())));
    }

    /// <summary>
    /// Adds the notes of the body, a JSON array, to the entities they name, or to the one of the route
    /// (<paramref name="entityId"/>), whose notes need no <c>entity_id</c>.
    /// </summary>
    private static async Task<Results<HalJson<NoteBatchJson>, AmoProblem>> AddAsync(SandboxAccount account, HttpRequest request, SandboxEntityType type, long? entityId)
    {
        var body = await RequestBody.ReadArrayAsync<NoteInput>(request, MaxBatch);
        if (body.Failed)
        {
            return body.Problem;
        }

        var drafts = NoteDraft.FromInputs(body.Value, entityId);
        if (drafts.Failed)
        {
            return drafts.Problem;
        }

        var added = account.AddNotes(type, drafts.Value, SandboxAccount.ApiUserId);
        if (added.Failed)
        {
            return added.Problem;
        }

        var links = new ApiLinks(request, account.Path);
        return HalJson.Ok(new NoteBatchJson(
            links.To($"{type.Path()}/notes"),
            new NoteBatchListJson(added.Value
                .Select((note, i) => new NoteResultJson(note.Id, note.EntityId, drafts.Value[i].RequestId, links.To(NoteJson.Path(note))))
                .ToList())));
    }
}
