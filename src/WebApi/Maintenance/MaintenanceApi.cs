using System.Globalization;
using AmoHub.Grains.Interfaces.Accounts;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Maintenance;
using AmoHub.ServiceDefaults.Security;
using AmoHub.WebApi.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AmoHub.WebApi.Maintenance;

/// <summary>
/// A maintenance window as the API takes it: <c>account</c> (left out: every account), then either <c>from</c> and
/// <c>to</c> (ISO 8601 instants) or <c>cron</c> (five fields), <c>timeZone</c> (IANA) and <c>duration</c>
/// (<c>hh:mm:ss</c> or <c>d.hh:mm:ss</c>); <c>reason</c> is said in the announcements.
/// </summary>
public sealed record MaintenanceBody(string? Account, string? From, string? To, string? Cron, string? TimeZone, string? Duration, string? Reason);

/// <summary>A stored window.</summary>
public sealed record MaintenanceWindowResponse(
    string Id, string? Account, DateTimeOffset? From, DateTimeOffset? To, string? Cron, string? TimeZone, string? Duration, string? Reason, DateTimeOffset CreatedAt)
{
    /// <summary>Maps the grain's window.</summary>
    public static MaintenanceWindowResponse Of(MaintenanceWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        var request = window.Request;
        return new(window.Id, request.Account, request.From, request.To, request.Cron, request.TimeZone,
            request.Duration?.ToString("c", CultureInfo.InvariantCulture), request.Reason, window.CreatedAt);
    }
}

/// <summary>The windows, oldest first.</summary>
public sealed record MaintenanceListResponse(IReadOnlyList<MaintenanceWindowResponse> Windows);

/// <summary>
/// <c>/api/maintenance</c>: maintenance windows, for one account or all. During a window checks go on and are stored,
/// but the incidents that open are marked <c>maintenance</c> and alert nobody; each window's start and end are
/// announced on the accounts' channels.
/// </summary>
public static class MaintenanceApi
{
    /// <summary>Maps the maintenance endpoints.</summary>
    public static RouteGroupBuilder MapMaintenanceApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/maintenance").WithTags("Maintenance").RequireReadOrWriteByMethod().ProducesApiProblems();
        group.MapGet("/", ListAsync).WithName("ListMaintenanceWindows")
            .WithSummary("Maintenance windows")
            .WithDescription("Every window, or with account those that cover it (its own and those for all accounts).");
        group.MapPost("/", CreateAsync).WithName("CreateMaintenanceWindow")
            .WithSummary("Make a maintenance window")
            .WithDescription("For one account or all (no account): one-off (from, to) or recurring (a five-field cron in an IANA timeZone, and a duration). Checks go on; incidents opened in it are marked maintenance and alert nobody; its start and end are announced once per channel.")
            .WithRequestExample("""{"account": "acme", "cron": "0 2 * * 0", "timeZone": "Europe/Moscow", "duration": "01:00:00", "reason": "amoCRM nightly update"}""");
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteMaintenanceWindow")
            .WithSummary("Delete a maintenance window")
            .WithDescription("A one-off window under way ends now and stays listed for a week, so statistics can still leave its past out.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>Every window, or those that cover <paramref name="account"/> (its own and those for all).</summary>
    private static async Task<Results<Ok<MaintenanceListResponse>, ValidationProblem>> ListAsync(string? account, IClusterClient client)
    {
        string? subdomain = null;
        if (account is not null && !AccountName.TryNormalize(account, out subdomain))
        {
            return Problems.Invalid("account", "is not an account name.");
        }

        var windows = await client.GetGrain<IMaintenanceGrain>(IMaintenanceGrain.Key).ListAsync(subdomain);
        return TypedResults.Ok(new MaintenanceListResponse(windows.Select(MaintenanceWindowResponse.Of).ToList()));
    }

    /// <summary>Creates a window; a bad field is a 400 naming it, and nothing is stored.</summary>
    private static async Task<Results<Created<MaintenanceWindowResponse>, ValidationProblem>> CreateAsync(MaintenanceBody? body, IClusterClient client)
    {
        if (body is null)
        {
            return Problems.Invalid("body", "A JSON object {\"account\", \"from\", \"to\"} or {\"account\", \"cron\", \"timeZone\", \"duration\"} is required.");
        }

        var errors = new Dictionary<string, string[]>();
        var account = await AccountAsync(body.Account, client, errors);
        var from = Instant(body.From, "from", errors);
        var to = Instant(body.To, "to", errors);
        TimeSpan? duration = null;
        if (body.Duration is { } text)
        {
            if (TimeSpan.TryParseExact(text.Trim(), "c", CultureInfo.InvariantCulture, out var parsed))
            {
                duration = parsed;
            }
            else
            {
                errors["duration"] = ["must be a duration such as 01:00:00 or 1.00:00:00."];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var update = await client.GetGrain<IMaintenanceGrain>(IMaintenanceGrain.Key)
            .CreateAsync(new MaintenanceRequest(account, from, to, body.Cron, body.TimeZone, duration, body.Reason));
        return update.Window is { } window
            ? TypedResults.Created($"/api/maintenance/{window.Id}", MaintenanceWindowResponse.Of(window))
            : Problems.Invalid(update.Errors);
    }

    /// <summary>Deletes a window; an occurrence under way ends now, and that is announced (a one-off one stays listed, ended).</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, IClusterClient client) =>
        await client.GetGrain<IMaintenanceGrain>(IMaintenanceGrain.Key).DeleteAsync(id)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown maintenance window", detail: $"There is no maintenance window {id}.");

    /// <summary>The configured account named, or null for all; an error when it names none.</summary>
    private static async Task<string?> AccountAsync(string? name, IClusterClient client, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        if (!AccountName.TryNormalize(name, out var subdomain)
            || await client.GetGrain<IAccountRegistryGrain>(IAccountRegistryGrain.Key).FindAsync(subdomain) is null)
        {
            errors["account"] = ["is not a configured account (leave it out for a window over every account)."];
            return null;
        }

        return subdomain;
    }

    private static DateTimeOffset? Instant(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at;
        }

        errors[field] = ["must be an ISO 8601 date and time, such as 2026-12-07T22:00:00+03:00."];
        return null;
    }
}
