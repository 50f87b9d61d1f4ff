using AmoHub.ServiceDefaults.Security;
using AmoHub.Grains;
using AmoHub.WebApi.Crm;
using AmoHub.WebApi.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AmoHub.WebApi.Monitoring;

/// <summary>An incident as the API returns it; <c>duration</c> is in milliseconds and counts until now while open.</summary>
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
    IReadOnlyList<IncidentNoteResponse> Notes)
{
    /// <summary>Maps the grain's view.</summary>
    public static IncidentResponse From(IncidentView incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return new(incident.Id, incident.Account, incident.CheckType.ToWireName(), incident.StartedAt, incident.EndedAt, incident.DurationMs,
            incident.EndedAt is null, incident.Details, incident.ErrorCode, incident.HttpStatus, incident.AcknowledgedAt is not null,
            incident.AcknowledgedAt, incident.AcknowledgedBy,
            incident.Notes.Select(note => new IncidentNoteResponse(note.CreatedAt, note.Author, note.Text)).ToList());
    }
}

/// <summary>A note on an incident.</summary>
public sealed record IncidentNoteResponse(DateTimeOffset CreatedAt, string? Author, string Text);

/// <summary>Body of <c>POST /api/incidents/{id}/acknowledge</c>.</summary>
public sealed record AcknowledgeRequest(string? By);

/// <summary>Body of <c>POST /api/incidents/{id}/notes</c>.</summary>
public sealed record NoteRequest(string? Text, string? Author);

/// <summary>
/// <c>GET /api/incidents</c> (newest first; <c>before</c> pages back by id, a <c>Link: rel="next"</c> header says
/// where the next page is), <c>GET /api/incidents/{id}</c>, and acknowledging and noting an incident.
/// </summary>
public static class IncidentsApi
{
    private const int MaxLimit = 500;
    private const int MaxNoteLength = 2000;
    private const int MaxAuthorLength = 100;

    /// <summary>Maps the incidents endpoints.</summary>
    public static RouteGroupBuilder MapIncidentsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/incidents").WithTags("Monitoring").RequireReadOrWriteByMethod();
        group.MapGet("/", ListAsync).WithName("ListIncidents");
        group.MapGet("/{id:long}", GetAsync).WithName("GetIncident");
        group.MapPost("/{id:long}/acknowledge", AcknowledgeAsync).WithName("AcknowledgeIncident");
        group.MapPost("/{id:long}/notes", AddNoteAsync).WithName("AddIncidentNote");
        return group;
    }

    private static async Task<Results<Ok<List<IncidentResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string? account, string? clientId, int? limit, long? before, string? checkType, bool? open,
        AccountResolver accounts, IClusterClient client, HttpContext context)
    {
        var errors = new Dictionary<string, string[]>();
        var size = limit ?? 50;
        if (size is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"must be between 1 and {MaxLimit}."];
        }

        if (before is <= 0)
        {
            errors["before"] = ["must be an incident id."];
        }

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
            return TypedResults.ValidationProblem(errors);
        }

        var resolution = await accounts.ResolveAsync(account ?? clientId);
        if (resolution.Account is not { } resolved)
        {
            return resolution.Problem!;
        }

        var incidents = await client.GetGrain<IIncidentsGrain>(IIncidentsGrain.Key).ListAsync(resolved.Subdomain, size, before, check, open == true);
        if (incidents.Count == size)
        {
            var query = context.Request.Query
                .Where(pair => pair.Key != "before")
                .Select(pair => $"{Uri.EscapeDataString(pair.Key)}={Uri.EscapeDataString(pair.Value.ToString())}")
                .Append($"before={incidents[^1].Id}");
            context.Response.Headers.Link = $"<{context.Request.PathBase}{context.Request.Path}?{string.Join('&', query)}>; rel=\"next\"";
        }

        return TypedResults.Ok(incidents.Select(IncidentResponse.From).ToList());
    }

    private static async Task<Results<Ok<IncidentResponse>, ProblemHttpResult>> GetAsync(
        long id, string? account, string? clientId, AccountResolver accounts, IClusterClient client)
    {
        var resolution = await accounts.ResolveAsync(account ?? clientId);
        if (resolution.Account is not { } resolved)
        {
            return resolution.Problem!;
        }

        var incident = await client.GetGrain<IIncidentsGrain>(IIncidentsGrain.Key).GetAsync(resolved.Subdomain, id);
        return incident is null ? UnknownIncident(id) : TypedResults.Ok(IncidentResponse.From(incident));
    }

    private static async Task<Results<Ok<IncidentResponse>, ValidationProblem, ProblemHttpResult>> AcknowledgeAsync(
        long id, string? account, string? clientId, AcknowledgeRequest? body, AccountResolver accounts, IClusterClient client)
    {
        var errors = new Dictionary<string, string[]>();
        var by = CrmValidation.Text(body?.By, "by", MaxAuthorLength, errors, required: false);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var resolution = await accounts.ResolveAsync(account ?? clientId);
        if (resolution.Account is not { } resolved)
        {
            return resolution.Problem!;
        }

        var incident = await client.GetGrain<IIncidentsGrain>(IIncidentsGrain.Key).AcknowledgeAsync(resolved.Subdomain, id, by);
        return incident is null ? UnknownIncident(id) : TypedResults.Ok(IncidentResponse.From(incident));
    }

    private static async Task<Results<Created<IncidentResponse>, ValidationProblem, ProblemHttpResult>> AddNoteAsync(
        long id, string? account, string? clientId, NoteRequest? body, AccountResolver accounts, IClusterClient client)
    {
        var errors = new Dictionary<string, string[]>();
        var text = CrmValidation.Text(body?.Text, "text", MaxNoteLength, errors, multiline: true);
        var author = CrmValidation.Text(body?.Author, "author", MaxAuthorLength, errors, required: false);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var resolution = await accounts.ResolveAsync(account ?? clientId);
        if (resolution.Account is not { } resolved)
        {
            return resolution.Problem!;
        }

        var incident = await client.GetGrain<IIncidentsGrain>(IIncidentsGrain.Key).AddNoteAsync(resolved.Subdomain, id, author, text!);
        return incident is null
            ? UnknownIncident(id)
            : TypedResults.Created($"/api/incidents/{id}?account={resolved.Subdomain}", IncidentResponse.From(incident));
    }

    private static ProblemHttpResult UnknownIncident(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown incident", detail: $"This account has no incident {id}.");
}
