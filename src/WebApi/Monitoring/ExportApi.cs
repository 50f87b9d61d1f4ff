using System.Globalization;
using System.Runtime.CompilerServices;
using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.ServiceDefaults.Security;
using AmoHub.WebApi.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AmoHub.WebApi.Monitoring;

/// <summary>
/// <c>GET /api/export/{health-checks|incidents|stats}</c>: an account's raw results, incidents or per-check
/// statistics over the last <c>hours</c> as a CSV or JSON attachment, streamed page by page.
/// </summary>
public static class ExportApi
{
    private const int PageSize = 2_000;
    private static readonly string[] Formats = ["csv", "json"];

    /// <summary>Maps the export endpoints.</summary>
    public static RouteGroupBuilder MapExportApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/export").WithTags("Monitoring").RequireReadOrWriteByMethod().ProducesApiProblems();
        group.MapGet("/health-checks", ExportResults).WithName("ExportHealthChecks")
            .WithSummary("Export probe results")
            .WithDescription("Raw check results of the last hours as a CSV or JSON attachment.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv", additionalContentTypes: ["application/json"]);
        group.MapGet("/incidents", ExportIncidents).WithName("ExportIncidents")
            .WithSummary("Export incidents")
            .WithDescription("Incidents of the last hours as a CSV or JSON attachment.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv", additionalContentTypes: ["application/json"]);
        group.MapGet("/stats", ExportStats).WithName("ExportStats")
            .WithSummary("Export statistics")
            .WithDescription("Per-check statistics of the last hours as a CSV or JSON attachment.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv", additionalContentTypes: ["application/json"]);
        return group;
    }

    /// <summary>The raw results, check by check (GET, POST, WEB, HOOK, DP), each oldest first.</summary>
    private static Results<ExportFile<StoredCheckResult>, ValidationProblem, ProblemHttpResult> ExportResults(
        RequestAccount account, string? hours, string? checkType, string? format, TimeProvider time,
        IClusterClient client) =>
        Export(account, hours, checkType, format, time, "health-checks",
            range => ResultPagesAsync(client.GetGrain<IMonitoringQueryGrain>(0), range));

    /// <summary>The incidents that overlap the range, by id.</summary>
    private static Results<ExportFile<StoredIncident>, ValidationProblem, ProblemHttpResult> ExportIncidents(
        RequestAccount account, string? hours, string? checkType, string? format, TimeProvider time,
        IClusterClient client) =>
        Export(account, hours, checkType, format, time, "incidents",
            range => IncidentPagesAsync(client.GetGrain<IMonitoringQueryGrain>(0), range));

    /// <summary>The statistics of <c>/api/stats</c>, one row per check.</summary>
    private static Results<ExportFile<CheckStats>, ValidationProblem, ProblemHttpResult> ExportStats(
        RequestAccount account, string? hours, string? checkType, string? format, TimeProvider time,
        IClusterClient client) =>
        Export(account, hours, checkType, format, time, "stats",
            range => StatsPagesAsync(client.GetGrain<IMonitoringQueryGrain>(0), range));

    private static Results<ExportFile<T>, ValidationProblem, ProblemHttpResult> Export<T>(
        RequestAccount account, string? hours, string? checkType, string? format, TimeProvider time, string dataset,
        Func<MonitoringRange, IAsyncEnumerable<IReadOnlyList<T>>> pages)
    {
        var parameters = new MonitoringParameters();
        var span = parameters.Hours(hours);
        var check = parameters.CheckType(checkType);
        var chosen = parameters.Choice("format", format, "csv", Formats) == "json" ? ExportFormat.Json : ExportFormat.Csv;
        if (parameters.Invalid is { } invalid)
        {
            return invalid;
        }

        var range = MonitoringParameters.Range(account, span, check, time);

        var name = string.Create(CultureInfo.InvariantCulture, $"amohub-{range.Account}-{dataset}-{range.To.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}");
        return new ExportFile<T>(name, chosen, pages(range));
    }

    private static async IAsyncEnumerable<IReadOnlyList<StoredCheckResult>> ResultPagesAsync(
        IMonitoringQueryGrain grain, MonitoringRange range, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var checkType in range.CheckType is { } one ? [one] : CheckTypes.All)
        {
            ExportCursor? after = null;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var page = await grain.ReadResultsAsync(range with { CheckType = checkType }, after, PageSize);
                if (page.Count > 0)
                {
                    yield return page;
                }

                if (page.Count < PageSize)
                {
                    break;
                }

                after = new ExportCursor(page[^1].Timestamp.ToUnixTimeMilliseconds(), page[^1].Id);
            }
        }
    }

    private static async IAsyncEnumerable<IReadOnlyList<StoredIncident>> IncidentPagesAsync(
        IMonitoringQueryGrain grain, MonitoringRange range, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var afterId = 0L;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await grain.ReadIncidentsAsync(range, afterId, PageSize);
            if (page.Count > 0)
            {
                yield return page;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            afterId = page[^1].Id;
        }
    }

    private static async IAsyncEnumerable<IReadOnlyList<CheckStats>> StatsPagesAsync(IMonitoringQueryGrain grain, MonitoringRange range)
    {
        yield return (await grain.GetStatsAsync(range)).Checks;
    }
}
