using AmoHub.Sandbox.Http;
using AmoHub.Sandbox.Notes;

namespace AmoHub.Sandbox.Accounts;

internal sealed partial class SandboxAccount
{
    /// <summary>Every note of the account, oldest first: notes are only ever added.</summary>
    private readonly List<SandboxNote> _notes = [];

    private long _lastNoteId = 40_000_000;

    /// <summary>The notes on one lead or contact, oldest first.</summary>
    public IReadOnlyList<SandboxNote> Notes(SandboxEntityType type, long entityId)
    {
        lock (_lock)
        {
            return _notes.Where(note => note.EntityType == type && note.EntityId == entityId).ToList();
        }
    }

    /// <summary>The note, or <c>null</c> when the entity has none with this id.</summary>
    public SandboxNote? FindNote(SandboxEntityType type, long entityId, long id)
    {
        lock (_lock)
        {
            return _notes.Find(note => note.Id == id && note.EntityType == type && note.EntityId == entityId);
        }
    }

    /// <summary>
    /// A page of the notes of <paramref name="type"/>, of one entity when <paramref name="entityId"/> is given. amoCRM's
    /// notes have no full-text search: <c>query</c> leaves them all in.
    /// </summary>
    public (IReadOnlyList<SandboxNote> Items, bool HasMore) ListNotes(SandboxEntityType type, long? entityId, ListQuery query)
    {
        lock (_lock)
        {
            return query.Select(
                _notes.Where(note => note.EntityType == type && (entityId is null || note.EntityId == entityId)),
                note => note.Id,
                note => note.CreatedAt,
                (_, _) => true);
        }
    }

    /// <summary>
    /// Adds notes to leads or contacts of <paramref name="type"/>, in the drafts' order. Every entity must be a live one,
    /// or nothing is added and the answer is a validation error.
    /// </summary>
    public Checked<IReadOnlyList<SandboxNote>> AddNotes(SandboxEntityType type, IReadOnlyList<NoteDraft> drafts, long userId)
    {
        lock (_lock)
        {
            Func<long, bool> isLive = type == SandboxEntityType.Leads ? _leads.ContainsKey : _contacts.ContainsKey;
            var what = type == SandboxEntityType.Leads ? "lead" : "contact";
            var unknown = Failures(
                drafts,
                draft => draft.RequestId,
                draft => isLive(draft.EntityId) ? [] : new[] { new ValidationError("NotFound", "entity_id", $"The {what} does not exist.") });
            if (unknown.Count > 0)
            {
                return AmoProblem.Validation(unknown);
            }

            var now = Now();
            var added = drafts.Select(draft => new SandboxNote(++_lastNoteId, type, draft.EntityId, draft.Text, userId, now)).ToList();
            _notes.AddRange(added);
            return Checked.Ok<IReadOnlyList<SandboxNote>>(added);
        }
    }
}
