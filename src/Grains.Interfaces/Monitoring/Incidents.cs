using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.Grains.Interfaces.Monitoring;

/// <summary>A note someone left on an incident.</summary>
[GenerateSerializer, Immutable, Alias("amohub.IncidentNote")]
public sealed record IncidentNote(
    [property: Id(0)] DateTimeOffset CreatedAt,
    [property: Id(1)] string? Author,
    [property: Id(2)] string Text,
    [property: Id(3)] long Id = 0);

/// <summary>What adding a note came to.</summary>
public enum NoteOutcome
{
    /// <summary>The note was added.</summary>
    Added,

    /// <summary>The account has no such incident.</summary>
    NoIncident,

    /// <summary>The incident holds the most notes it may.</summary>
    Full,
}

/// <summary>A note added, or why not.</summary>
[GenerateSerializer, Immutable, Alias("amohub.AddedNote")]
public sealed record AddedNote(
    [property: Id(0)] NoteOutcome Outcome,
    [property: Id(1)] IncidentNote? Note);

/// <summary>
/// An incident as the API shows it: open while <see cref="EndedAt"/> is null, with its duration so far
/// (<see cref="DurationMs"/> counts until now for an open one), who acknowledged it, and how many notes were left
/// on it with the newest of them (<see cref="IIncidentsGrain.ListNotesAsync"/> pages through all).
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.IncidentView")]
public sealed record IncidentView(
    [property: Id(0)] long Id,
    [property: Id(1)] string Account,
    [property: Id(2)] CheckType CheckType,
    [property: Id(3)] DateTimeOffset StartedAt,
    [property: Id(4)] DateTimeOffset? EndedAt,
    [property: Id(5)] long DurationMs,
    [property: Id(6)] string? Details,
    [property: Id(7)] string? ErrorCode,
    [property: Id(8)] int? HttpStatus,
    [property: Id(9)] DateTimeOffset? AcknowledgedAt,
    [property: Id(10)] string? AcknowledgedBy,
    [property: Id(11)] IReadOnlyList<IncidentNote> Notes,
    [property: Id(12)] int NotesCount = 0,
    [property: Id(13)] bool Maintenance = false);

/// <summary>Reads and annotates incidents (a stateless worker over the <c>incidents</c> table).</summary>
public interface IIncidentsGrain : IGrainWithStringKey
{
    /// <summary>The only key of this grain.</summary>
    const string Key = "incidents:query";

    /// <summary>The most notes one incident holds.</summary>
    const int MaxNotes = 500;

    /// <summary>An account's incidents, newest first; <paramref name="beforeId"/> pages back from an id.</summary>
    Task<IReadOnlyList<IncidentView>> ListAsync(string account, int limit, long? beforeId, CheckType? checkType, bool openOnly);

    /// <summary>One incident of an account, or null.</summary>
    Task<IncidentView?> GetAsync(string account, long id);

    /// <summary>Marks an incident acknowledged (the first acknowledgement wins); null when there is no such incident.</summary>
    Task<IncidentView?> AcknowledgeAsync(string account, long id, string? by);

    /// <summary>Adds a note, unless there is no such incident or it holds the most notes it may.</summary>
    Task<AddedNote> AddNoteAsync(string account, long id, string? author, string text);

    /// <summary>An incident's notes, newest first, <paramref name="limit"/> at a time; null when there is no such incident.</summary>
    Task<IReadOnlyList<IncidentNote>?> ListNotesAsync(string account, long id, int limit, long? beforeId);
}
