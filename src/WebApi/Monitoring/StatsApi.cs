using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.ServiceDefaults.Security;
using AmoHub.WebApi.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AmoHub.WebApi.Monitoring;

/// <summary><c>GET /api/stats</c>: uptime, latency percentiles and incident figures of an account's checks.</summary>
public static class StatsApi
{
    /// <summary>Maps the statistics endpoint.</summary>
    public static RouteGroupBuilder MapStatsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/stats").WithTags("Monitoring").RequireReadOrWriteByMethod().ProducesApiProblems();
        group.MapGet("/", GetStatsAsync).WithName("GetStats")
            .WithSummary("Probe statistics")
            .WithDescription("Per check over the last hours, from the rollups: results by status, uptime and latency.");
        return group;
    }

    /// <summary>
    /// Per check over the last <c>hours</c> (1-720, default 24; the start aligned down to the minute): uptime and
    /// success rate, counts, avg/min/max and exact nearest-rank p50/p95/p99 response times from merged rollup
    /// histograms, and incident count, downtime, MTTR and MTBF (ms). With <c>excludeMaintenance=true</c> the
    /// minutes of the account's maintenance windows and the incidents opened in them are left out.
    /// </summary>
    private static async Task<Results<Ok<StatsAnswer>, ValidationProblem, ProblemHttpResult>> GetStatsAsync(
        RequestAccount account, string? hours, string? checkType, string? excludeMaintenance, TimeProvider time, IClusterClient client)
    {
        var parameters = new MonitoringParameters();
        var span = parameters.Hours(hours);
        var check = parameters.CheckType(checkType);
        var exclude = parameters.Choice(nameof(excludeMaintenance), excludeMaintenance, "false", ["true", "false"]) == "true";
        if (parameters.Invalid is { } invalid)
        {
            return invalid;
        }

        var range = MonitoringParameters.Range(account, span, check, time) with { ExcludeMaintenance = exclude };
        return TypedResults.Ok(await client.GetGrain<IMonitoringQueryGrain>(0).GetStatsAsync(range));
    }
}
