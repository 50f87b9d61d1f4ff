using System.Text.Json;
using AmoHub.Sandbox.Accounts;
using AmoHub.Sandbox.Contacts;
using AmoHub.Sandbox.Faults;
using AmoHub.Sandbox.Http;
using AmoHub.Sandbox.Leads;
using AmoHub.Sandbox.Seeding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace AmoHub.Sandbox.Control;

/// <summary>An account's identity, faults and counters, for <c>GET /_sandbox/accounts/{sub}</c>.</summary>
internal sealed record AccountStateJson(long Id, string Subdomain, string Name, bool Blocked, bool Unpaid, FaultJson Fault, SandboxStats Stats)
{
    public static AccountStateJson Of(AmoCrmSandbox sandbox, string subdomain)
    {
        var info = sandbox.GetAccount(subdomain);
        return new AccountStateJson(
            info.Id, info.Subdomain, info.Name, info.Blocked, info.Unpaid, FaultJson.From(info.Fault), sandbox.GetStats(subdomain));
    }
}

/// <summary>An account's faults over HTTP; latency in milliseconds.</summary>
internal sealed record FaultJson(long LatencyMs = 0, double FailureRate = 0, int FailureStatus = 500, bool Timeout = false)
{
    public static FaultJson From(SandboxFault fault) =>
        new((long)fault.Latency.TotalMilliseconds, fault.FailureRate, fault.FailureStatus, fault.Timeout);

    public SandboxFault ToFault() => new(TimeSpan.FromMilliseconds(LatencyMs), FailureRate, FailureStatus, Timeout);
}

/// <summary>The body of <c>POST …/authorization-codes</c>.</summary>
internal sealed record AuthorizationCodeRequest(string? ClientId, string? ClientSecret, string? RedirectUri);

/// <summary>A new authorization code.</summary>
internal sealed record AuthorizationCodeJson(string Code);

/// <summary>The body of <c>POST …/page-cap</c>: the most items a list page of the account holds, 1 to 250.</summary>
internal sealed record PageCapRequest(JsonElement? Cap);

/// <summary>The body of <c>POST …/unreachable-deliveries</c>: how many delivery attempts fail next, 0 or more.</summary>
internal sealed record UnreachableDeliveriesRequest(JsonElement? Count);

/// <summary>A contact a person creates or edits in the web UI; <c>phones</c>, when sent, replace all phones.</summary>
internal sealed record UserContactRequest(string? Name, List<string>? Phones);

/// <summary>A lead a person creates or edits in the web UI.</summary>
internal sealed record UserLeadRequest(string? Name, long? Price, long? StatusId, List<long>? ContactIds);

/// <summary>
/// <c>/_sandbox/</c>: the control surface over HTTP, for out-of-process tests and the dashboard. Not rate limited,
/// no faults, no token.
/// </summary>
internal static class ControlApi
{
    public static RouteGroupBuilder MapSandboxControlApi(this IEndpointRouteBuilder root)
    {
        var control = root.MapGroup("_sandbox");
        control.MapGet("accounts", (AmoCrmSandbox sandbox) =>
            TypedResults.Ok(sandbox.Subdomains.Select(subdomain => AccountStateJson.Of(sandbox, subdomain)).ToList()));

        var account = control.MapGroup($"accounts/{{{SubdomainName.RouteParameter}:{SubdomainRouteConstraint.Name}}}");
        account.MapGet("", (AmoCrmSandbox sandbox, string sub) => TypedResults.Ok(AccountStateJson.Of(sandbox, sub)));
        account.MapGet("stats", (AmoCrmSandbox sandbox, string sub) => TypedResults.Ok(sandbox.GetStats(sub)));
        account.MapGet("contacts", (AmoCrmSandbox sandbox, string sub) => TypedResults.Ok(sandbox.GetContacts(sub)));
        account.MapGet("leads", (AmoCrmSandbox sandbox, string sub) => TypedResults.Ok(sandbox.GetLeads(sub)));
        account.MapGet("webhooks", (AmoCrmSandbox sandbox, string sub) => TypedResults.Ok(sandbox.GetWebhooks(sub)));
        account.MapGet("deliveries", (AmoCrmSandbox sandbox, string sub) => TypedResults.Ok(sandbox.GetDeliveries(sub)));

        account.MapGet("faults", (AmoCrmSandbox sandbox, string sub) => TypedResults.Ok(FaultJson.From(sandbox.GetAccount(sub).Fault)));
        account.MapPost("faults", SetFault);
        account.MapDelete("faults", (AmoCrmSandbox sandbox, string sub) =>
        {
            sandbox.ClearFaults(sub);
            return TypedResults.NoContent();
        });
        account.MapPost("unblock", (AmoCrmSandbox sandbox, string sub) =>
        {
            sandbox.Unblock(sub);
            return TypedResults.NoContent();
        });
        account.MapPost("unpaid", (AmoCrmSandbox sandbox, string sub) =>
        {
            sandbox.SetUnpaid(sub, true);
            return TypedResults.NoContent();
        });
        account.MapDelete("unpaid", (AmoCrmSandbox sandbox, string sub) =>
        {
            sandbox.SetUnpaid(sub, false);
            return TypedResults.NoContent();
        });
        account.MapPost("expire-access-tokens", (AmoCrmSandbox sandbox, string sub) =>
        {
            sandbox.ExpireAccessTokens(sub);
            return TypedResults.NoContent();
        });
        account.MapPost("page-cap", SetPageCap);
        account.MapPost("unreachable-deliveries", MakeDeliveriesUnreachable);
        account.MapDelete("page-cap", (AmoCrmSandbox sandbox, string sub) =>
        {
            sandbox.ClearPageCap(sub);
            return TypedResults.NoContent();
        });
        account.MapPost("authorization-codes", CreateAuthorizationCode);
        account.MapPost("seed", SeedAsync);

        account.MapPost("contacts", CreateContact);
        account.MapPatch("contacts/{id:long}", EditContact);
        account.MapDelete("contacts/{id:long}", (AmoCrmSandbox sandbox, string sub, long id) =>
            sandbox.DeleteContactAsUser(sub, id) ? (Results<NoContent, NotFound>)TypedResults.NoContent() : TypedResults.NotFound());
        account.MapPost("contacts/{id:long}/restore", (AmoCrmSandbox sandbox, string sub, long id) =>
            Restored(sandbox.RestoreContactAsUser(sub, id), "contact", id));
        account.MapPost("leads", CreateLead);
        account.MapPatch("leads/{id:long}", EditLead);
        account.MapDelete("leads/{id:long}", (AmoCrmSandbox sandbox, string sub, long id) =>
            sandbox.DeleteLeadAsUser(sub, id) ? (Results<NoContent, NotFound>)TypedResults.NoContent() : TypedResults.NotFound());
        account.MapPost("leads/{id:long}/restore", (AmoCrmSandbox sandbox, string sub, long id) =>
            Restored(sandbox.RestoreLeadAsUser(sub, id), "lead", id));
        return control;
    }

    /// <summary>The restored entity, or a 404 problem when the account had no deleted <paramref name="entity"/> with this id.</summary>
    private static Results<Ok<T>, ProblemHttpResult> Restored<T>(T? restored, string entity, long id)
        where T : class =>
        restored is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"The account has no deleted {entity} with id {id}.")
            : TypedResults.Ok(restored);

    private static Results<NoContent, ValidationProblem> SetFault(AmoCrmSandbox sandbox, string sub, FaultJson fault)
    {
        try
        {
            sandbox.SetFault(sub, fault.ToFault());
            return TypedResults.NoContent();
        }
        catch (ArgumentOutOfRangeException exception)
        {
            return Invalid(exception);
        }
    }

    private static Results<NoContent, ValidationProblem> SetPageCap(AmoCrmSandbox sandbox, string sub, PageCapRequest request)
    {
        if (request.Cap is not { ValueKind: JsonValueKind.Number } cap || !cap.TryGetInt32(out var value) || value is < 1 or > ListQuery.MaxLimit)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["cap"] = [$"must be a whole number from 1 to {ListQuery.MaxLimit}."] });
        }

        sandbox.SetPageCap(sub, value);
        return TypedResults.NoContent();
    }

    private static Results<NoContent, ValidationProblem> MakeDeliveriesUnreachable(AmoCrmSandbox sandbox, string sub, UnreachableDeliveriesRequest request)
    {
        if (request.Count is not { ValueKind: JsonValueKind.Number } count || !count.TryGetInt32(out var value) || value < 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["count"] = ["must be a whole number, 0 or more."] });
        }

        sandbox.MakeDeliveriesUnreachable(sub, value);
        return TypedResults.NoContent();
    }

    private static Results<Ok<AuthorizationCodeJson>, ValidationProblem> CreateAuthorizationCode(
        AmoCrmSandbox sandbox, string sub, AuthorizationCodeRequest request)
    {
        if (request is not { ClientId.Length: > 0, ClientSecret.Length: > 0 }
            || !Uri.TryCreate(request.RedirectUri, UriKind.Absolute, out var redirectUri))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["body"] = ["client_id, client_secret and an absolute redirect_uri are required."],
            });
        }

        return TypedResults.Ok(new AuthorizationCodeJson(sandbox.CreateAuthorizationCode(sub, request.ClientId, request.ClientSecret, redirectUri)));
    }

    private static async Task<Results<Ok<SandboxSeedResult>, ValidationProblem>> SeedAsync(AmoCrmSandbox sandbox, string sub, HttpRequest request)
    {
        var (seed, problems) = await SeedRequest.ReadAsync(request);
        return seed is null ? TypedResults.ValidationProblem(problems) : TypedResults.Ok(sandbox.Seed(sub, seed));
    }

    private static Results<Ok<SandboxContact>, ValidationProblem> CreateContact(AmoCrmSandbox sandbox, string sub, UserContactRequest request)
    {
        try
        {
            return TypedResults.Ok(sandbox.CreateContactAsUser(sub, request.Name ?? "", request.Phones));
        }
        catch (ArgumentException exception)
        {
            return Invalid(exception);
        }
    }

    private static Results<Ok<SandboxContact>, NotFound, ValidationProblem> EditContact(
        AmoCrmSandbox sandbox, string sub, long id, UserContactRequest request)
    {
        try
        {
            return sandbox.EditContactAsUser(sub, id, request.Name, request.Phones) is { } contact
                ? TypedResults.Ok(contact)
                : TypedResults.NotFound();
        }
        catch (ArgumentException exception)
        {
            return Invalid(exception);
        }
    }

    private static Results<Ok<SandboxLead>, ValidationProblem> CreateLead(AmoCrmSandbox sandbox, string sub, UserLeadRequest request)
    {
        try
        {
            return TypedResults.Ok(sandbox.CreateLeadAsUser(sub, request.Name ?? "", request.Price ?? 0, request.StatusId, request.ContactIds));
        }
        catch (ArgumentException exception)
        {
            return Invalid(exception);
        }
    }

    private static Results<Ok<SandboxLead>, NotFound, ValidationProblem> EditLead(
        AmoCrmSandbox sandbox, string sub, long id, UserLeadRequest request)
    {
        try
        {
            return sandbox.EditLeadAsUser(sub, id, request.Name, request.StatusId, request.Price) is { } lead
                ? TypedResults.Ok(lead)
                : TypedResults.NotFound();
        }
        catch (ArgumentException exception)
        {
            return Invalid(exception);
        }
    }

    private static ValidationProblem Invalid(ArgumentException exception) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [exception.ParamName ?? "body"] = [exception.Message] });
}
