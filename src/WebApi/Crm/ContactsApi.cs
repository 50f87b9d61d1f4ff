using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.ServiceDefaults.Security;
using AmoHub.WebApi.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AmoHub.WebApi.Crm;

/// <summary><c>/api/contacts</c>: create without duplicates, read, search.</summary>
public static class ContactsApi
{
    /// <summary>Maps the contacts endpoints.</summary>
    public static RouteGroupBuilder MapContactsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/contacts").WithTags("Contacts").RequireReadOrWriteByMethod().ProducesApiProblems();
        group.MapPost("/", CreateAsync).WithName("CreateContact")
            .WithSummary("Find or create a contact")
            .WithDescription("One phone (or, without one, one email) is one contact: 201 when this request created it in amoCRM, 200 with the existing one, 202 with an operation when amoCRM cannot answer now. Idempotency-Key replays; Prefer: respond-async always answers 202.")
            .WithRequestExample("""{"name": "Ирина Петрова", "phone": "+7 903 555-01-02", "email": "irina@example.com", "callbackUrl": "https://crm.example.com/amohub/callback"}""")
            .WithSubmissionHeaders()
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .Produces<ContactResponse>(StatusCodes.Status201Created)
            .Produces<ContactResponse>()
            .Produces<OperationResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{amocrmId:long}", GetAsync).WithName("GetContact")
            .WithSummary("Get a contact by its amoCRM id")
            .WithDescription("From AmoHub's copy, else from amoCRM.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status502BadGateway);
        group.MapGet("/", ListAsync).WithName("ListContacts")
            .WithSummary("Search contacts")
            .WithDescription("By phone, email or name, paged, from AmoHub's copy.");
        return group;
    }

    /// <summary>
    /// Our copy first, then amoCRM, then a new contact in amoCRM: 201 when this request created it, 200 with the
    /// existing contact otherwise; 202 with the operation when amoCRM cannot answer now (<see cref="Submissions"/>).
    /// A contact is found by its phone, else by its email, and made with both and its custom field values; one found by
    /// either gets the other value when it lacks it and no other contact holds it (its custom fields are left as they are).
    /// </summary>
    private static async Task<IResult> CreateAsync(
        CreateContactRequest? body, RequestAccount account, HttpRequest request, PhoneNormalizer phones, CallbackTargets callbacks, IClusterClient client, TimeProvider time)
    {
        var errors = new Dictionary<string, string[]>();
        if (body is null)
        {
            return Problems.Invalid("body", "A JSON object {\"name\": …, \"phone\": …, \"email\": …} is required.");
        }

        var name = CrmValidation.Name(body.Name, "name", errors);
        var phone = CrmValidation.Phone(body.Phone, "phone", phones, errors, required: false);
        var email = CrmValidation.Email(body.Email, "email", errors);
        if (string.IsNullOrWhiteSpace(body.Phone) && string.IsNullOrWhiteSpace(body.Email))
        {
            errors["phone"] = ["is required when there is no email: give a phone, an email or both."];
        }

        var fields = WebFormValidation.ContactFields(body.CustomFields, "customFields", errors);
        var options = Submissions.ReadOptions(request, body.CallbackUrl, callbacks, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        return await Submissions.SubmitAsync(client, time, account, OperationKind.Contact, new ContactSubmission(phone, name!, email, fields), null, options);
    }

    private static async Task<Results<Ok<ContactResponse>, ProblemHttpResult>> GetAsync(
        long amocrmId, RequestAccount account, IClusterClient client)
    {
        var contact = await client.GetGrain<IContactGrain>(GrainKeys.Contact(account.Subdomain, amocrmId)).GetAsync()
            ?? await client.GetGrain<IAccountGrain>(GrainKeys.Account(account.Subdomain)).FetchContactAsync(amocrmId);
        return contact is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown contact", detail: $"Neither AmoHub nor amoCRM has contact {amocrmId}.")
            : TypedResults.Ok(ContactResponse.From(contact));
    }

    private static async Task<Results<Ok<PageResponse<ContactResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        RequestAccount account, string? phone, string? email, string? name, int? page, int? pageSize, PhoneNormalizer phones, IClusterClient client)
    {
        var errors = new Dictionary<string, string[]>();
        var e164 = CrmValidation.Phone(phone, "phone", phones, errors, required: false);
        var emailFilter = CrmValidation.Email(email, "email", errors);
        var nameFilter = CrmValidation.Name(name, "name", errors, required: false);
        var (pageNumber, size) = CrmValidation.Paging(page, pageSize, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var found = await client.GetGrain<ICrmQueryGrain>(0).ListContactsAsync(account.Subdomain, e164, emailFilter, nameFilter, pageNumber, size);
        return TypedResults.Ok(new PageResponse<ContactResponse>(found.Items.Select(c => ContactResponse.From(c)).ToList(), found.PageNumber, found.PageSize, found.Total));
    }
}
