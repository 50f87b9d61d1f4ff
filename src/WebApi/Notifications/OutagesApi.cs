using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.ServiceDefaults.Security;
using AmoHub.WebApi.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AmoHub.WebApi.Notifications;

/// <summary>
/// An outage of amoCRM itself as the API shows it: the check, since when, the accounts down now of those monitored,
/// the most at once, and the first accounts down by name.
/// </summary>
public sealed record OutageResponse(string CheckType, long Id, DateTimeOffset Since, int Affected, int Total, int Peak, IReadOnlyList<string> Accounts)
{
    /// <summary>The response for an outage under way.</summary>
    public static OutageResponse Of(PlatformOutage outage)
    {
        ArgumentNullException.ThrowIfNull(outage);
        return new(outage.CheckType.ToWireName(), outage.Id, outage.Since, outage.Affected, outage.Total, outage.Peak, outage.Accounts);
    }
}

/// <summary><c>GET /api/outages</c>: the outages of amoCRM itself under way, a check failing on many accounts at once.</summary>
public static class OutagesApi
{
    /// <summary>Maps the endpoint.</summary>
    public static RouteHandlerBuilder MapOutagesApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/outages", ListAsync)
            .WithTags("Notifications")
            .WithName("ListOutages")
            .WithSummary("Outages of amoCRM itself under way")
            .WithDescription(
                "A check failing on at least AmoHub:Notifications:GroupMinAccounts accounts within AmoHub:Notifications:GroupWindow " +
                "of each other is one outage: its alerts go out once per channel, and the dashboard shows a banner. Empty when there is none.")
            .RequireReadOrWriteByMethod()
            .ProducesApiProblems();

    private static async Task<Ok<List<OutageResponse>>> ListAsync(IClusterClient client)
    {
        var outages = await Task.WhenAll(Enum.GetValues<CheckType>()
            .Select(check => client.GetGrain<IOutageGrain>(GrainKeys.Outage(check)).GetAsync()));
        return TypedResults.Ok(outages.OfType<PlatformOutage>().Select(OutageResponse.Of).ToList());
    }
}
