using System.Net;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Foundation;

/// <summary>The operators' Orleans dashboard can be turned off, to keep its memory: then /orleans is not served and the rest is.</summary>
public sealed class OrleansDashboardSwitchTests
{
    [Fact]
    public async Task With_the_Orleans_dashboard_off_orleans_is_not_served_and_the_API_still_is()
    {
        await using var hub = await InProcessAmoHub.StartAsync(
            StorageProvider.Sqlite, new Dictionary<string, string> { ["AmoHub:OrleansDashboard:Enabled"] = "false" });

        using var dashboard = await hub.Http.GetAsync(new Uri("/orleans/DashboardCounters", UriKind.Relative));
        using var status = await hub.Http.GetAsync(new Uri("/api/status", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, dashboard.StatusCode);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
    }
}
