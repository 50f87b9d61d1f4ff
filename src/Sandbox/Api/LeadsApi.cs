using AmoHub.Sandbox.Accounts;
using AmoHub.Sandbox.Http;
using AmoHub.Sandbox.Leads;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace AmoHub.Sandbox.Api;

/// <summary>
/// <c>api/v4/leads</c>: list and search, get, create, complex create, update, the pipelines, the custom fields, tags
/// and notes.
/// </summary>
internal static class LeadsApi
{
    /// <summary>The most leads one create or update request may carry.</summary>
    private const int MaxBatch = 250;

    /// <summary>The most leads one complex create may carry.</summary>
    private const int MaxComplexBatch = 50;

    /// <summary>The <c>with</c> value that lists deleted leads instead of live ones.</summary>
    private const string OnlyDeleted = "only_deleted";

    /// <summary>The <c>with</c> values the leads list understands; any other is a 400, never silently ignored.</summary>
    private static readonly IReadOnlySet<string> SupportedWith = new HashSet<string>(StringComparer.Ordinal) { OnlyDeleted, "contacts" };

    public static RouteGroupBuilder MapLeadsApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("leads");
        group.MapGet("", List);
        group.MapGet("{id:long}", Get);
        group.MapPost("", CreateAsync);
        group.MapPost("complex", CreateComplexAsync);
        group.MapPatch("", UpdateManyAsync);
        group.MapPatch("{id:long}", UpdateOneAsync);
        group.MapGet("pipelines", Pipelines);
        group.MapCustomFieldsApi(SandboxEntityType.Leads);
        group.MapTagsApi(SandboxEntityType.Leads);
        group.MapNotesApi(SandboxEntityType.Leads);
        return group;
    }

    private static Results<HalJson<LeadPageJson>, NoContent, AmoProblem> List(SandboxAccount account, HttpRequest request)
    {
        var query = ListQuery.Parse(request.Query, SupportedWith);
        if (query.Failed)
        {
            return query.Problem;
        }

        var onlyDeleted = query.Value.With.Contains(OnlyDeleted);
        var page = query.Value.CappedAt(account.PageCap);
        var (leads, hasMore) = account.ListLeads(page, onlyDeleted);
        if (leads.Count == 0)
        {
            return TypedResults.NoContent();
        }

        var links = new ApiLinks(request, account.Path);
        var withContacts = query.Value.With.Contains("contacts");
        return HalJson.Ok(new LeadPageJson(
            query.Value.Page,
            links.Page("leads", page, hasMore),
            new LeadListJson(leads.Select(lead => LeadJson.From(lead, account.Id, links, withContacts, onlyDeleted)).ToList())));
    }

    private static Results<HalJson<LeadJson>, NoContent> Get(SandboxAccount account, long id, HttpRequest request) =>
        account.FindLead(id) is { } lead
            ? HalJson.Ok(LeadJson.From(lead, account.Id, new ApiLinks(request, account.Path), ListQuery.ReadWith(request.Query).Contains("contacts")))
            : TypedResults.NoContent();

    private static async Task<Results<HalJson<LeadBatchJson>, AmoProblem>> CreateAsync(SandboxAccount account, HttpRequest request)
    {
        var drafts = await ReadDraftsAsync(account, request, MaxBatch, LeadRequest.Create);
        if (drafts.Failed)
        {
            return drafts.Problem;
        }

        var created = account.CreateLeads(drafts.Value, SandboxAccount.ApiUserId);
        return created.Failed ? created.Problem : Batch(account, request, created.Value, drafts.Value);
    }

    /// <summary>
    /// <c>POST api/v4/leads/complex</c>: up to 50 leads, each with its custom fields, tags, pipeline and status, and its
    /// new main contact with the contact's own fields and tags, answered as <c>[{id, contact_id, company_id,
    /// request_id: [...], merged}]</c>. Like amoCRM's, it makes no notes: a note on the new lead takes a
    /// <c>POST api/v4/leads/notes</c> after it.
    /// </summary>
    private static async Task<Results<HalJson<List<ComplexLeadJson>>, AmoProblem>> CreateComplexAsync(SandboxAccount account, HttpRequest request)
    {
        var drafts = await ReadDraftsAsync(account, request, MaxComplexBatch, LeadRequest.Complex);
        if (drafts.Failed)
        {
            return drafts.Problem;
        }

        var created = account.CreateComplexLeads(drafts.Value, SandboxAccount.ApiUserId);
        return created.Failed
            ? created.Problem
            : HalJson.Ok(created.Value
                .Select((item, i) => new ComplexLeadJson(item.Lead.Id, item.Contact?.Id, null, [drafts.Value[i].RequestId], false))
                .ToList());
    }

    private static async Task<Results<HalJson<LeadBatchJson>, AmoProblem>> UpdateManyAsync(SandboxAccount account, HttpRequest request)
    {
        var drafts = await ReadDraftsAsync(account, request, MaxBatch, LeadRequest.Update);
        if (drafts.Failed)
        {
            return drafts.Problem;
        }

        var updated = account.UpdateLeads(drafts.Value, SandboxAccount.ApiUserId);
        return updated.Failed ? updated.Problem : Batch(account, request, updated.Value, drafts.Value);
    }

    private static async Task<Results<HalJson<LeadResultJson>, AmoProblem>> UpdateOneAsync(SandboxAccount account, long id, HttpRequest request)
    {
        var body = await RequestBody.ReadObjectAsync<LeadInput>(request);
        if (body.Failed)
        {
            return body.Problem;
        }

        var drafts = LeadDraft.FromInputs([body.Value with { Id = id }], LeadRequest.Update, account.Pipelines());
        if (drafts.Failed)
        {
            return drafts.Problem;
        }

        var updated = account.UpdateLeads(drafts.Value, SandboxAccount.ApiUserId);
        return updated.Failed
            ? updated.Problem
            : HalJson.Ok(LeadResultJson.From(updated.Value[0], null, new ApiLinks(request, account.Path)));
    }

    private static HalJson<PipelineListJson> Pipelines(SandboxAccount account, HttpRequest request)
    {
        var links = new ApiLinks(request, account.Path);
        var pipelines = account.Pipelines();
        return HalJson.Ok(new PipelineListJson(
            pipelines.Count,
            links.To("leads/pipelines"),
            new PipelineListEmbeddedJson(pipelines.Select(pipeline => PipelineJson.For(pipeline, account.Id, links)).ToList())));
    }

    private static async Task<Checked<IReadOnlyList<LeadDraft>>> ReadDraftsAsync(SandboxAccount account, HttpRequest request, int max, LeadRequest kind)
    {
        var body = await RequestBody.ReadArrayAsync<LeadInput>(request, max);
        return body.Failed ? body.Problem : LeadDraft.FromInputs(body.Value, kind, account.Pipelines());
    }

    private static HalJson<LeadBatchJson> Batch(
        SandboxAccount account, HttpRequest request, IReadOnlyList<SandboxLead> leads, IReadOnlyList<LeadDraft> drafts)
    {
        var links = new ApiLinks(request, account.Path);
        return HalJson.Ok(new LeadBatchJson(
            links.To("leads"),
            new LeadBatchListJson(leads.Select((lead, i) => LeadResultJson.From(lead, drafts[i].RequestId, links)).ToList())));
    }
}
