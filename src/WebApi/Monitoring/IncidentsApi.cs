using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.ServiceDefaults.Security;
using AmoHub.WebApi.Crm;
using AmoHub.WebApi.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AmoHub.WebApi.Monitoring;

/// <summary>
/// An incident as the API returns it; <c>duration</c> is in milliseconds and counts until now while open;
/// <c>maintenance</c> is true for an incident that opened during a maintenance window (it alerted nobody).
/// </summary>
public sealed record IncidentResponse(
    long Id,
    string Account,
    string CheckType,
    DateTimeOffset StartTime,
    DateTimeOffset? EndTime,
    long Duration,
    bool Open,
    string? Details,
    string? ErrorCode,
    int? HttpStatus,
    bool Acknowledged,
    DateTimeOffset? AcknowledgedAt,
    string? AcknowledgedBy,
    int NotesCount,
    IReadOnlyList<IncidentNoteResponse> Notes,
    bool Maintenance)
{
    /// <summary>Maps the grain's view.</summary>
    public static IncidentResponse From(IncidentView incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return new(incident.Id, incident.Account, incident.CheckType.ToWireName(), incident.StartedAt, incident.EndedAt, incident.DurationMs,
            incident.EndedAt is null, incident.Details, incident.ErrorCode, incident.HttpStatus, incident.AcknowledgedAt is not null,
            incident.AcknowledgedAt, incident.AcknowledgedBy, incident.NotesCount,
            incident.Notes.Select(IncidentNoteResponse.From).ToList(), incident.Maintenance);
    }
}

/// <summary>A note on an incident.</summary>
public sealed record IncidentNoteResponse(long Id, DateTimeOffset CreatedAt, string? Author, string Text)
{
    /// <summary>Maps the grain's note.</summary>
    public static IncidentNoteResponse From(IncidentNote note)
    {
        ArgumentNullException.ThrowIfNull(note);
        return new(note.Id, note.CreatedAt, note.Author, note.Text);
    }
}

/// <summary>Body of <c>POST /api/incidents/{id}/acknowledge</c>.</summary>
public sealed record AcknowledgeRequest(string? By);

/// <summary>Body of <c>POST /api/incidents/{id}/notes</c>.</summary>
public sealed record NoteRequest(string? Text, string? Author);

/// <summary>
/// <c>GET /api/incidents</c> (newest first; <c>before</c> pages back by id, a <c>Link: rel="next"</c> header says
/// where the next page is), <c>GET /api/incidents/{id}</c> (with its newest notes and how many there are),
/// acknowledging an incident, and its notes: <c>POST</c> answers the note alone, <c>GET</c> pages through them the
/// same way, and an incident holds at most <see cref="IIncidentsGrain.MaxNotes"/>.
/// </summary>
public static class IncidentsApi
{
    private const int MaxLimit = 500;
    private const int MaxNoteLength = 2000;
    private const int MaxAuthorLength = 100;

    /// <summary>Maps the incidents endpoints.</summary>
    public static RouteGroupBuilder MapIncidentsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/incidents").WithTags("Monitoring").RequireReadOrWriteByMethod().ProducesApiProblems();
        group.MapGet("/", ListAsync).WithName("ListIncidents")
            .WithSummary("List incidents")
            .WithDescription("An account's incidents, newest first, optionally only open ones or one check's.");
        group.MapGet("/{id:long}", GetAsync).WithName("GetIncident")
            .WithSummary("Get an incident")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:long}/acknowledge", AcknowledgeAsync).WithName("AcknowledgeIncident")
            .WithSummary("Acknowledge an incident")
            .WithDescription("Records who took it and when.")
            .WithRequestExample("""{"by": "Дежурный Иван"}""")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:long}/notes", AddNoteAsync).WithName("AddIncidentNote")
            .WithSummary("Add a note to an incident")
            .WithRequestExample("""{"text": "amoCRM подтвердил сбой, ждём.", "author": "Дежурный Иван"}""")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id:long}/notes", ListNotesAsync).WithName("ListIncidentNotes")
            .WithSummary("List an incident's notes")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Ok<List<IncidentResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        RequestAccount account, int? limit, long? before, string? checkType, bool? open,
        IClusterClient client, HttpContext context)
    {
        var errors = new Dictionary<string, string[]>();
        var size = PageSize(limit, before, "an incident id", errors);

        CheckType? check = null;
        if (checkType is not null)
        {
            if (CheckTypes.TryParse(checkType, out var parsed))
            {
                check = parsed;
            }
            else
            {
                errors["checkType"] = ["must be one of GET, POST, WEB, HOOK, DP."];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var incidents = await client.GetGrain<IIncidentsGrain>(IIncidentsGrain.Key).ListAsync(account.Subdomain, size, before, check, open == true);
        if (incidents.Count == size)
        {
            LinkNext(context, incidents[^1].Id);
        }

        return TypedResults.Ok(incidents.Select(IncidentResponse.From).ToList());
    }

    private static async Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> GetAsync(
        long id, RequestAccount account, IClusterClient client)
    {
        var incident = await client.GetGrain<IIncidentsGrain>(IIncidentsGrain.Key).GetAsync(account.Subdomain, id);
        return incident is null ? UnknownIncident(id) : TypedResults.Ok(IncidentResponse.From(incident));
    }

    private static async Task<Results<Ok<IncidentResponse>, ValidationProblem, ProblemHttpResult>> AcknowledgeAsync(
        long id, RequestAccount account, AcknowledgeRequest? body, IClusterClient client)
    {
        var errors = new Dictionary<string, string[]>();
        var by = CrmValidation.Text(body?.By, "by", MaxAuthorLength, errors, required: false);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var incident = await client.GetGrain<IIncidentsGrain>(IIncidentsGrain.Key).AcknowledgeAsync(account.Subdomain, id, by);
        return incident is null ? UnknownIncident(id) : TypedResults.Ok(IncidentResponse.From(incident));
    }

    private static async Task<Results<Created<IncidentNoteResponse>, ValidationProblem, ProblemHttpResult>> AddNoteAsync(
        long id, RequestAccount account, NoteRequest? body, IClusterClient client)
    {
        var errors = new Dictionary<string, string[]>();
        var text = CrmValidation.Text(body?.Text, "text", MaxNoteLength, errors, multiline: true);
        var author = CrmValidation.Text(body?.Author, "author", MaxAuthorLength, errors, required: false);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var added = await client.GetGrain<IIncidentsGrain>(IIncidentsGrain.Key).AddNoteAsync(account.Subdomain, id, author, text!);
        return added.Outcome switch
        {
            NoteOutcome.Added => TypedResults.Created($"/api/incidents/{id}/notes?account={account.Subdomain}", IncidentNoteResponse.From(added.Note!)),
            NoteOutcome.Full => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Too many notes",
                detail: $"Incident {id} holds {IIncidentsGrain.MaxNotes} notes, the most one incident may."),
            _ => UnknownIncident(id),
        };
    }

    private static async Task<Results<Ok<List<IncidentNoteResponse>>, ValidationProblem, ProblemHttpResult>> ListNotesAsync(
        long id, RequestAccount account, int? limit, long? before, IClusterClient client, HttpContext context)
    {
        var errors = new Dictionary<string, string[]>();
        var size = PageSize(limit, before, "a note id", errors);

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var notes = await client.GetGrain<IIncidentsGrain>(IIncidentsGrain.Key).ListNotesAsync(account.Subdomain, id, size, before);
        if (notes is null)
        {
            return UnknownIncident(id);
        }

        if (notes.Count == size)
        {
            LinkNext(context, notes[^1].Id);
        }

        return TypedResults.Ok(notes.Select(IncidentNoteResponse.From).ToList());
    }

    /// <summary>The page size asked for (50 when left out), with an error for a bad <c>limit</c> or <c>before</c>.</summary>
    private static int PageSize(int? limit, long? before, string beforeWhat, Dictionary<string, string[]> errors)
    {
        var size = limit ?? 50;
        if (size is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"must be between 1 and {MaxLimit}."];
        }

        if (before is <= 0)
        {
            errors["before"] = [$"must be {beforeWhat}."];
        }

        return size;
    }

    /// <summary>Points a <c>Link: rel="next"</c> header at the same query paged back from <paramref name="lastId"/>.</summary>
    private static void LinkNext(HttpContext context, long lastId)
    {
        var query = context.Request.Query
            .Where(pair => pair.Key != "before")
            .Select(pair => $"{Uri.EscapeDataString(pair.Key)}={Uri.EscapeDataString(pair.Value.ToString())}")
            .Append($"before={lastId}");
        context.Response.Headers.Link = $"<{context.Request.PathBase}{context.Request.Path}?{string.Join('&', query)}>; rel=\"next\"";
    }

    private static ProblemHttpResult UnknownIncident(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown incident", detail: $"This account has no incident {id}.");
}
