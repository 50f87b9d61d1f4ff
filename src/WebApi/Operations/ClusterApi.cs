using AmoHub.WebApi.Hosting;
using AmoHub.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AmoHub.WebApi.Operations;

/// <summary>One silo as the cluster's membership sees it.</summary>
public sealed record SiloView(string Address, string Name, string Status);

/// <summary>The silos of the cluster.</summary>
public sealed record ClusterView(IReadOnlyList<SiloView> Silos);

/// <summary><c>GET /api/cluster</c>: the operators' view of membership.</summary>
public static class ClusterApi
{
    /// <summary>Maps the cluster endpoint.</summary>
    public static RouteGroupBuilder MapClusterApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/cluster").WithTags("Operations").RequireAuthorization(AccessPolicies.Admin).ProducesApiProblems();
        group.MapGet("/", GetClusterAsync).WithName("GetCluster")
            .WithSummary("The Orleans cluster")
            .WithDescription("The silos of the cluster as membership sees them; admin keys only.");
        return group;
    }

    private static async Task<Ok<ClusterView>> GetClusterAsync(IClusterClient client)
    {
        var management = client.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false);
        var silos = hosts
            .OrderBy(host => host.SiloAddress.ToString(), StringComparer.Ordinal)
            .Select(host => new SiloView(host.SiloAddress.ToString(), host.SiloName, host.Status.ToString()))
            .ToList();
        return TypedResults.Ok(new ClusterView(silos));
    }
}
