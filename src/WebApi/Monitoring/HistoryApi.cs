using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.ServiceDefaults.Security;
using AmoHub.WebApi.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AmoHub.WebApi.Monitoring;

/// <summary><c>GET /api/history</c>: an account's results, raw or rolled up, newest first and paged.</summary>
public static class HistoryApi
{
    /// <summary>Default page size.</summary>
    public const int DefaultPageSize = 500;

    /// <summary>Largest page size.</summary>
    public const int MaxPageSize = 5_000;

    private static readonly string Resolutions = string.Join(", ", Enum.GetValues<HistoryResolution>().Select(r => r.ToWireName()));

    /// <summary>Maps the history endpoint.</summary>
    public static RouteGroupBuilder MapHistoryApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/history").WithTags("Monitoring").RequireReadOrWriteByMethod().ProducesApiProblems();
        group.MapGet("/", GetHistoryAsync).WithName("GetHistory")
            .WithSummary("Probe history")
            .WithDescription("Results of the last hours, raw or as rollups, newest first, paged.");
        return group;
    }

    /// <summary>
    /// The last <c>hours</c> (1-720, default 24) of results of one check or all. <c>resolution</c> is <c>raw</c>,
    /// <c>minute</c>, <c>hour</c> or <c>day</c>; left out, it follows the range: raw up to 1 h, minute up to 6 h,
    /// hour up to 7 days, day beyond, so even a 30-day answer stays small. Pages hold <c>pageSize</c> items
    /// (default 500, at most 5,000).
    /// </summary>
    private static async Task<Results<Ok<HistoryPage>, ValidationProblem, ProblemHttpResult>> GetHistoryAsync(
        RequestAccount account, string? hours, string? checkType, string? resolution, string? page, string? pageSize,
        TimeProvider time, IClusterClient client)
    {
        var parameters = new MonitoringParameters();
        var span = parameters.Hours(hours);
        var check = parameters.CheckType(checkType);
        var chosen = HistoryResolutions.For(span);
        if (!string.IsNullOrWhiteSpace(resolution) && !HistoryResolutions.TryParse(resolution.Trim(), out chosen))
        {
            parameters.Errors["resolution"] = [$"must be one of {Resolutions}."];
        }

        var pageNumber = parameters.Number("page", page, 1, 1, 1_000_000);
        var size = parameters.Number("pageSize", pageSize, DefaultPageSize, 1, MaxPageSize);
        if (parameters.Invalid is { } invalid)
        {
            return invalid;
        }

        var range = MonitoringParameters.Range(account, span, check, time);

        var history = await client.GetGrain<IMonitoringQueryGrain>(0).GetHistoryAsync(new HistoryRequest(range, chosen, pageNumber, size));
        return TypedResults.Ok(history);
    }
}
