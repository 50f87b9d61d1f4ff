



namespace AmoHub.WebApi.Monitoring;

/// <summary>The monitoring reads: history, statistics and exports.</summary>
public static class MonitoringApis
{
    /// <summary>Maps <c>/api/history</c>, <c>/api/stats</c> and <c>/api/export/…</c>.</summary>
    public static IEndpointRouteBuilder MapMonitoringApis(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHistoryApi();
        endpoints.MapStatsApi();
        endpoints.MapExportApi();
        return endpoints;
    }
}
