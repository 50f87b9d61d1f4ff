using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.ServiceDefaults.Security;
using AmoHub.WebApi.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AmoHub.WebApi.Monitoring;

/// <summary>The latest result of every running check of an account.</summary>
public sealed record AccountStatus(string Account, bool Sandbox, IReadOnlyList<CheckStatus> Checks);

/// <summary>
/// One check as the reference monitor's clients read it: <c>status</c> is the debounced status (escalation and
/// recovery applied), <c>reason</c> why it is not up (an error code such as <c>slow</c>, <c>timeout</c>,
/// <c>escalated</c>), <c>since</c> when it took that status; the rest describes the latest result.
/// </summary>
public sealed record CheckStatus(
    string CheckType,
    string Status,
    int? ResponseTime,
    DateTimeOffset? LastCheck,
    string? ErrorMessage,
    int? HttpStatus,
    string? Reason,
    DateTimeOffset? Since);

/// <summary><c>GET /api/status</c>.</summary>
public static class StatusApi
{
    /// <summary>Maps the status endpoint.</summary>
    public static RouteGroupBuilder MapStatusApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/status").WithTags("Monitoring").RequireReadOrWriteByMethod().ProducesApiProblems();
        group.MapGet("/", GetStatusAsync).WithName("GetStatus")
            .WithSummary("Current status of an account's checks")
            .WithDescription("Per check: its debounced status, last response time, time of the last check, error and reason, and since when.");
        return group;
    }

    private static async Task<Results<Ok<AccountStatus>, ProblemHttpResult>> GetStatusAsync(
        RequestAccount account, IClusterClient client)
    {
        var statuses = await Task.WhenAll(CheckTypes.All.Select(checkType =>
            client.GetGrain<IProbeGrain>(GrainKeys.Probe(account.Subdomain, checkType)).GetStatusAsync()));
        var checks = statuses
            .Where(status => status.Enabled)
            .Select(status => new CheckStatus(
                status.CheckType.ToWireName(),
                status.Status.ToWireName(),
                status.LastResult?.ResponseTimeMs,
                status.LastResult?.Timestamp,
                status.LastResult?.ErrorMessage,
                status.LastResult?.HttpStatus,
                status.Reason,
                status.StatusSince))
            .ToList();
        return TypedResults.Ok(new AccountStatus(account.Subdomain, account.Definition.IsSandbox, checks));
    }
}
