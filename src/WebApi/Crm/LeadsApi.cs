using System.Collections.Immutable;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.ServiceDefaults.Security;
using AmoHub.WebApi.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AmoHub.WebApi.Crm;

/// <summary>
/// <c>/api/leads</c>: create without duplicates (by name), in a pipeline of the account, linked to a main contact;
/// read; search.
/// </summary>
public static class LeadsApi
{
    /// <summary>Maps the leads endpoints.</summary>
    public static RouteGroupBuilder MapLeadsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/leads").WithTags("Leads").RequireReadOrWriteByMethod().ProducesApiProblems();
        group.MapPost("/", CreateAsync).WithName("CreateLead")
            .WithSummary("Find or create a lead")
            .WithDescription("One name is one lead: 201 when this request created it in amoCRM, 200 with the existing one, 202 with an operation when amoCRM cannot answer now. A web form's lead names its contact (found by phone or email, or created), tags, custom fields, UTM marks and a note.")
            .WithRequestExample("""{"name": "Заявка с сайта 1042", "pipelineId": 7001, "price": 15000, "contact": {"name": "Ирина Петрова", "phone": "+7 903 555-01-02"}, "tags": ["site"], "utm": {"utm_source": "yandex"}, "note": "Перезвонить после 18:00"}""")
            .WithSubmissionHeaders()
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .Produces<LeadResponse>(StatusCodes.Status201Created)
            .Produces<LeadResponse>()
            .Produces<OperationResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{amocrmId:long}", GetAsync).WithName("GetLead")
            .WithSummary("Get a lead by its amoCRM id")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", ListAsync).WithName("ListLeads")
            .WithSummary("Search leads")
            .WithDescription("By name, paged, from AmoHub's copy.");
        return group;
    }

    /// <summary>
    /// A lead found by name or created, in the pipeline and status asked for, with its main contact found or made by
    /// phone, or given by id; 202 with the operation when amoCRM cannot answer now (<see cref="Submissions"/>).
    /// </summary>
    private static async Task<IResult> CreateAsync(
        CreateLeadRequest? body, RequestAccount account, HttpRequest request, PhoneNormalizer phones, CallbackTargets callbacks, IClusterClient client, TimeProvider time)
    {
        if (body is null)
        {
            return Problems.Invalid("body", "A JSON object {\"name\": …} is required.");
        }

        var errors = new Dictionary<string, string[]>();
        var name = CrmValidation.Name(body.Name, "name", errors);
        var contactPhone = CrmValidation.Phone(body.ContactPhone, "contactPhone", phones, errors, required: false);
        var contactName = CrmValidation.Name(body.ContactName, "contactName", errors, required: false);
        if (body.ContactPhone is not null && body.ContactId is not null)
        {
            errors["contactId"] = ["Give either contactPhone or contactId, not both."];
        }

        string? contactEmail = null;
        ImmutableArray<FieldInput> contactFields = default;
        if (body.Contact is { } contact)
        {
            if (body.ContactPhone is not null || body.ContactId is not null || body.ContactName is not null)
            {
                errors["contact"] = ["Give the contact either as contact {name, phone, email} or as contactPhone/contactId, not both."];
            }

            contactPhone = CrmValidation.Phone(contact.Phone, "contact.phone", phones, errors, required: false);
            contactEmail = CrmValidation.Email(contact.Email, "contact.email", errors);
            contactName = CrmValidation.Name(contact.Name, "contact.name", errors, required: false);
            contactFields = WebFormValidation.ContactFields(contact.CustomFields, "contact.customFields", errors);
            if (string.IsNullOrWhiteSpace(contact.Phone) && string.IsNullOrWhiteSpace(contact.Email))
            {
                errors["contact.phone"] = ["give the contact's phone, its email, or both."];
            }
        }

        var price = WebFormValidation.Price(body.Price, errors);
        var tags = WebFormValidation.Tags(body.Tags, errors);
        var fields = WebFormValidation.Fields(body.CustomFields, "customFields", body.Utm, errors);
        var note = CrmValidation.Text(body.Note, "note", WebFormValidation.MaxNoteLength, errors, required: false, multiline: true);

        if (body.ContactId is <= 0)
        {
            errors["contactId"] = ["must be an amoCRM contact id (a positive number)."];
        }

        var statusId = body.StatusId ?? body.Status;
        if (body.StatusId is not null && body.Status is not null && body.StatusId != body.Status)
        {
            errors["statusId"] = ["differs from status, its older name: give one of them."];
        }
        else if (statusId is <= 0)
        {
            errors["statusId"] = ["must be an amoCRM status id (a positive number)."];
        }

        if (body.PipelineId is <= 0)
        {
            errors["pipelineId"] = ["must be an amoCRM pipeline id (a positive number)."];
        }

        var options = Submissions.ReadOptions(request, body.CallbackUrl, callbacks, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        return await Submissions.SubmitAsync(
            client, time, account, OperationKind.Lead, null,
            new LeadSubmission(name!, statusId, body.PipelineId, contactPhone, contactName, body.ContactId, price, tags, fields, note, contactEmail, contactFields), options);
    }

    private static async Task<Results<Ok<LeadResponse>, ProblemHttpResult>> GetAsync(
        long amocrmId, RequestAccount account, IClusterClient client)
    {
        var lead = await client.GetGrain<ILeadGrain>(GrainKeys.Lead(account.Subdomain, amocrmId)).GetAsync();
        return lead is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown lead", detail: $"AmoHub has no lead {amocrmId}.")
            : TypedResults.Ok(LeadResponse.From(lead));
    }

    private static async Task<Results<Ok<PageResponse<LeadResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        RequestAccount account, string? name, int? page, int? pageSize, IClusterClient client)
    {
        var errors = new Dictionary<string, string[]>();
        var nameFilter = CrmValidation.Name(name, "name", errors, required: false);
        var (pageNumber, size) = CrmValidation.Paging(page, pageSize, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var found = await client.GetGrain<ICrmQueryGrain>(0).ListLeadsAsync(account.Subdomain, nameFilter, pageNumber, size);
        return TypedResults.Ok(new PageResponse<LeadResponse>(found.Items.Select(l => LeadResponse.From(l)).ToList(), found.PageNumber, found.PageSize, found.Total));
    }
}
