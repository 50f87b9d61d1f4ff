using AmoHub.Sandbox.Accounts;
using AmoHub.Sandbox.Contacts;
using AmoHub.Sandbox.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace AmoHub.Sandbox.Api;

/// <summary>
/// <c>api/v4/contacts</c>: list and search, get, create, update, the custom fields, tags and notes; <c>with=leads</c>
/// embeds each contact's leads.
/// </summary>
internal static class ContactsApi
{
    /// <summary>The most contacts one create or update request may carry.</summary>
    private const int MaxBatch = 250;

    /// <summary>The <c>with</c> value that lists deleted contacts instead of live ones.</summary>
    private const string OnlyDeleted = "only_deleted";

    /// <summary>The <c>with</c> value that embeds the ids and links of each contact's leads.</summary>
    private const string Leads = "leads";

    /// <summary>The <c>with</c> values the contacts list understands; any other is a 400, never silently ignored.</summary>
    private static readonly IReadOnlySet<string> SupportedWith = new HashSet<string>(StringComparer.Ordinal) { OnlyDeleted, Leads };

    public static RouteGroupBuilder MapContactsApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("contacts");
        group.MapGet("", List);
        group.MapGet("{id:long}", Get);
        group.MapPost("", CreateAsync);
        group.MapPatch("", UpdateManyAsync);
        group.MapPatch("{id:long}", UpdateOneAsync);
        group.MapCustomFieldsApi(SandboxEntityType.Contacts);
        group.MapTagsApi(SandboxEntityType.Contacts);
        group.MapNotesApi(SandboxEntityType.Contacts);
        return group;
    }

    private static Results<HalJson<ContactPageJson>, NoContent, AmoProblem> List(SandboxAccount account, HttpRequest request)
    {
        var query = ListQuery.Parse(request.Query, SupportedWith);
        if (query.Failed)
        {
            return query.Problem;
        }

        var onlyDeleted = query.Value.With.Contains(OnlyDeleted);
        var page = query.Value.CappedAt(account.PageCap);
        var (contacts, hasMore) = account.ListContacts(page, onlyDeleted);
        if (contacts.Count == 0)
        {
            return TypedResults.NoContent();
        }

        var links = new ApiLinks(request, account.Path);
        var leads = query.Value.With.Contains(Leads) ? account.LeadsOf(contacts.Select(contact => contact.Id)) : null;
        return HalJson.Ok(new ContactPageJson(
            page.Page,
            links.Page("contacts", page, hasMore),
            new ContactListJson(contacts.Select(contact => ContactJson.From(contact, account.Id, links, onlyDeleted, leads?[contact.Id])).ToList())));
    }

    private static Results<HalJson<ContactJson>, NoContent> Get(SandboxAccount account, long id, HttpRequest request)
    {
        if (account.FindContact(id) is not { } contact)
        {
            return TypedResults.NoContent();
        }

        var leads = ListQuery.ReadWith(request.Query).Contains(Leads) ? account.LeadsOf([id])[id] : null;
        return HalJson.Ok(ContactJson.From(contact, account.Id, new ApiLinks(request, account.Path), leadIds: leads));
    }

    private static async Task<Results<HalJson<ContactBatchJson>, AmoProblem>> CreateAsync(SandboxAccount account, HttpRequest request)
    {
        var body = await RequestBody.ReadArrayAsync<ContactInput>(request, MaxBatch);
        if (body.Failed)
        {
            return body.Problem;
        }

        var drafts = ContactDraft.FromInputs(body.Value, update: false);
        if (drafts.Failed)
        {
            return drafts.Problem;
        }

        var created = account.CreateContacts(drafts.Value, SandboxAccount.ApiUserId);
        return created.Failed ? created.Problem : Batch(account, request, created.Value, drafts.Value);
    }

    private static async Task<Results<HalJson<ContactBatchJson>, AmoProblem>> UpdateManyAsync(SandboxAccount account, HttpRequest request)
    {
        var body = await RequestBody.ReadArrayAsync<ContactInput>(request, MaxBatch);
        if (body.Failed)
        {
            return body.Problem;
        }

        var drafts = ContactDraft.FromInputs(body.Value, update: true);
        if (drafts.Failed)
        {
            return drafts.Problem;
        }

        var updated = account.UpdateContacts(drafts.Value, SandboxAccount.ApiUserId);
        return updated.Failed ? updated.Problem : Batch(account, request, updated.Value, drafts.Value);
    }

    private static async Task<Results<HalJson<ContactResultJson>, AmoProblem>> UpdateOneAsync(SandboxAccount account, long id, HttpRequest request)
    {
        var body = await RequestBody.ReadObjectAsync<ContactInput>(request);
        if (body.Failed)
        {
            return body.Problem;
        }

        var drafts = ContactDraft.FromInputs([body.Value with { Id = id }], update: true);
        if (drafts.Failed)
        {
            return drafts.Problem;
        }

        var updated = account.UpdateContacts(drafts.Value, SandboxAccount.ApiUserId);
        return updated.Failed
            ? updated.Problem
            : HalJson.Ok(ContactResultJson.From(updated.Value[0], null, new ApiLinks(request, account.Path)));
    }

    private static HalJson<ContactBatchJson> Batch(
        SandboxAccount account, HttpRequest request, IReadOnlyList<SandboxContact> contacts, IReadOnlyList<ContactDraft> drafts)
    {
        var links = new ApiLinks(request, account.Path);
        return HalJson.Ok(new ContactBatchJson(
            links.To("contacts"),
            new ContactBatchListJson(contacts.Select((contact, i) => ContactResultJson.From(contact, drafts[i].RequestId, links)).ToList())));
    }
}
