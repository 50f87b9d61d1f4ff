using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace AmoHub.Grains.Interfaces.Crm;

/// <summary>What a create request makes.</summary>
public enum OperationKind
{
    /// <summary><c>POST /api/contacts</c>.</summary>
    Contact,

    /// <summary><c>POST /api/leads</c>.</summary>
    Lead,
}

/// <summary>Where a create request stands.</summary>
public enum OperationStatus
{
    /// <summary>Stored, waiting for amoCRM to answer.</summary>
    Pending,

    /// <summary>amoCRM holds the entity; the result says which.</summary>
    Done,

    /// <summary>
    /// Refused for good (a field amoCRM or AmoHub does not take), or AmoHub could not run it again and again; the reason
    /// says why.
    /// </summary>
    Failed,
}

/// <summary>
/// A contact to find by phone or email, or create, as <c>POST /api/contacts</c> checked it: at least one of
/// <paramref name="Phone"/> and <paramref name="Email"/> is given. Requests stored before contacts had emails hold none.
/// </summary>
/// <param name="Phone">E.164.</param>
/// <param name="Name">Trimmed.</param>
/// <param name="Email">
/// In the form of <see cref="EmailAddresses"/>. Left out of the JSON when there is none, so a request without one is
/// written, and fingerprinted, as it was before contacts had emails.
/// </param>
/// <param name="Fields">Custom field values for a contact this request creates; left out of the JSON when none.</param>
[GenerateSerializer, Immutable, Alias("amohub.ContactSubmission")]
public sealed record ContactSubmission(
    [property: Id(0)] string? Phone,
    [property: Id(1)] string Name,
    [property: Id(2), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Email = null,
    [property: Id(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] ImmutableArray<FieldInput> Fields = default);

/// <summary>
/// A lead to find by name or create, as <c>POST /api/leads</c> checked it; its contact by phone or email, or by id;
/// what a web form sends with it: a price, tags, custom field values (the UTM ones among them) and a note.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.LeadSubmission")]
public sealed record LeadSubmission(
    [property: Id(0)] string Name,
    [property: Id(1)] long? StatusId,
    [property: Id(2)] long? PipelineId,
    [property: Id(3)] string? ContactPhone,
    [property: Id(4)] string? ContactName,
    [property: Id(5)] long? ContactId,
    [property: Id(6)] long? Price = null,
    [property: Id(7)] ImmutableArray<string> Tags = default,
    [property: Id(8)] ImmutableArray<FieldInput> Fields = default,
    [property: Id(9)] string? Note = null,
    [property: Id(10)] string? ContactEmail = null,
    [property: Id(11), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] ImmutableArray<FieldInput> ContactFields = default);

/// <summary>One create request handed to an account's <see cref="IOperationsGrain"/>.</summary>
/// <param name="Kind">What it makes.</param>
/// <param name="Contact">Set for <see cref="OperationKind.Contact"/>.</param>
/// <param name="Lead">Set for <see cref="OperationKind.Lead"/>.</param>
/// <param name="IdempotencyKey">The client's <c>Idempotency-Key</c>, when it sent one.</param>
/// <param name="Fingerprint">A hash of the checked request: the same key with another fingerprint is another request.</param>
/// <param name="RespondAsync">The client sent <c>Prefer: respond-async</c>.</param>
/// <param name="CallbackUrl">Receives the finished operation.</param>
[GenerateSerializer, Immutable, Alias("amohub.Submission")]
public sealed record Submission(
    [property: Id(0)] OperationKind Kind,
    [property: Id(1)] ContactSubmission? Contact,
    [property: Id(2)] LeadSubmission? Lead,
    [property: Id(3)] string? IdempotencyKey,
    [property: Id(4)] string Fingerprint,
    [property: Id(5)] bool RespondAsync,
    [property: Id(6)] Uri? CallbackUrl);

/// <summary>A create request AmoHub stored, and how it ended.</summary>
/// <param name="Id">Null for a request completed at once and never stored (no key, amoCRM answered).</param>
/// <param name="Kind">What it makes.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="CreatedAt">When AmoHub took it.</param>
/// <param name="CompletedAt">When it ended, done or failed.</param>
/// <param name="Contact">The contact a done contact request ended with.</param>
/// <param name="Lead">The lead a done lead request ended with.</param>
/// <param name="Created">Whether this request made the entity in amoCRM (false: it was there already).</param>
/// <param name="FailureStatus">The HTTP status a failed request answers: 400 for a field AmoHub refused, 502 for amoCRM's refusal.</param>
/// <param name="FailureField">The request field a 400 names.</param>
/// <param name="Reason">Why it failed.</param>
/// <param name="Answered">What the first answer to the request was: its replays answer the same.</param>
/// <param name="CallbackUrl">Receives the operation once it ends.</param>
[GenerateSerializer, Immutable, Alias("amohub.Operation")]
public sealed record Operation(
    [property: Id(0)] string? Id,
    [property: Id(1)] OperationKind Kind,
    [property: Id(2)] OperationStatus Status,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] DateTimeOffset? CompletedAt,
    [property: Id(5)] ContactSnapshot? Contact,
    [property: Id(6)] LeadSnapshot? Lead,
    [property: Id(7)] bool Created,
    [property: Id(8)] int? FailureStatus,
    [property: Id(9)] string? FailureField,
    [property: Id(10)] string? Reason,
    [property: Id(11)] OperationAnswer Answered,
    [property: Id(12)] Uri? CallbackUrl);

/// <summary>How a create request was answered.</summary>
public enum OperationAnswer
{
    /// <summary>Not answered yet (the process answering it stopped first).</summary>
    None,

    /// <summary>With its result: 200, 201, or the failure.</summary>
    Completed,

    /// <summary>202 Accepted, to be completed later.</summary>
    Accepted,
}

/// <summary>What <see cref="IOperationsGrain.SubmitAsync"/> says to answer.</summary>
public enum SubmitVerdict
{
    /// <summary>The request's answer (its result or failure), new or replayed.</summary>
    Answer,

    /// <summary>The key was used for another request within its 24 hours: 409.</summary>
    KeyReused,
}

/// <summary>The outcome of a submission: what to answer and the operation it is about.</summary>
[GenerateSerializer, Immutable, Alias("amohub.SubmitOutcome")]
public sealed record SubmitOutcome(
    [property: Id(0)] SubmitVerdict Verdict,
    [property: Id(1)] Operation Operation);

/// <summary>An account's backlog: requests accepted and waiting for amoCRM.</summary>
/// <param name="Pending">How many wait.</param>
/// <param name="OldestPendingSince">When the oldest pending request was accepted.</param>
[GenerateSerializer, Immutable, Alias("amohub.OperationsBacklog")]
public sealed record OperationsBacklog(
    [property: Id(0)] long Pending,
    [property: Id(1)] DateTimeOffset? OldestPendingSince);

/// <summary>A page of an account's operations, newest first.</summary>
[GenerateSerializer, Immutable, Alias("amohub.OperationPage")]
public sealed record OperationPage(
    [property: Id(0)] IReadOnlyList<Operation> Items,
    [property: Id(1)] long Total);

/// <summary>
/// An account's create requests. Key <see cref="Keys.GrainKeys.Operations"/>: <c>{subdomain}/operations</c>. A request
/// is completed at once while amoCRM answers; while amoCRM is down or limiting, answers slower than
/// <c>AmoHub:AmoCrm:MaxWait</c>, or the client prefers it, the request is stored first and answered 202, and the
/// stored requests are completed in order once amoCRM answers again. An <c>Idempotency-Key</c> makes a request stored
/// with its answer, replayed for 24 hours.
/// </summary>
public interface IOperationsGrain : IGrainWithStringKey
{
    /// <summary>Completes or stores a create request, or replays the answer of the request its key was first used for.</summary>
    Task<SubmitOutcome> SubmitAsync(Submission submission);

    /// <summary>One stored request; null when there is none with that id.</summary>
    Task<Operation?> GetAsync(string id);

    /// <summary>Stored requests, newest first, optionally of one status.</summary>
    Task<OperationPage> ListAsync(OperationStatus? status, int page, int pageSize);

    /// <summary>How many requests wait and since when.</summary>
    Task<OperationsBacklog> GetBacklogAsync();
}
