using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.ServiceDefaults.Security;
using AmoHub.WebApi.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AmoHub.WebApi.Crm;

/// <summary>
/// <c>/api/operations</c>: the create requests AmoHub stored (answered 202, or sent with an <c>Idempotency-Key</c>),
/// one by id, or a page of an account's, newest first, optionally of one status (<c>pending</c>, <c>done</c>, <c>failed</c>).
/// </summary>
public static class OperationsApi
{
    /// <summary>Maps the operations endpoints.</summary>
    public static RouteGroupBuilder MapOperationsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/operations").WithTags("Operations").RequireReadOrWriteByMethod().ProducesApiProblems();
        group.MapGet("/{id}", GetAsync).WithName("GetOperation")
            .WithSummary("Get a deferred create")
            .WithDescription("A create answered 202: pending, running, done (with its result) or failed (with the reason).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", ListAsync).WithName("ListOperations")
            .WithSummary("List deferred creates")
            .WithDescription("An account's operations, newest first, paged, optionally by status.");
        return group;
    }

    private static async Task<Results<Ok<OperationResponse>, ProblemHttpResult>> GetAsync(string id, RequestAccount account, IClusterClient client)
    {
        var operation = id.Length <= 64 && id.All(char.IsAsciiHexDigit)
            ? await client.GetGrain<IOperationsGrain>(GrainKeys.Operations(account.Subdomain)).GetAsync(id)
            : null;
        return operation is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown operation", detail: $"Account {account.Subdomain} has no operation {id}.")
            : TypedResults.Ok(OperationResponse.From(operation));
    }

    private static async Task<Results<Ok<PageResponse<OperationResponse>>, ValidationProblem>> ListAsync(
        RequestAccount account, string? status, int? page, int? pageSize, IClusterClient client)
    {
        var errors = new Dictionary<string, string[]>();
        OperationStatus? wanted = status switch
        {
            null => null,
            "pending" => OperationStatus.Pending,
            "done" => OperationStatus.Done,
            "failed" => OperationStatus.Failed,
            _ => Invalid(errors),
        };
        var (pageNumber, size) = CrmValidation.Paging(page, pageSize, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var found = await client.GetGrain<IOperationsGrain>(GrainKeys.Operations(account.Subdomain)).ListAsync(wanted, pageNumber, size);
        return TypedResults.Ok(new PageResponse<OperationResponse>([.. found.Items.Select(OperationResponse.From)], pageNumber, size, found.Total));

        static OperationStatus? Invalid(Dictionary<string, string[]> errors)
        {
            errors["status"] = ["must be pending, done or failed."];
            return null;
        }
    }
}
