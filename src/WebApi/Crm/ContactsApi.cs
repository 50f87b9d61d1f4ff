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
        var group = endpoints.MapGroup("/api/contacts").WithTags("Contacts").RequireReadOrWriteByMethod();
        group.MapPost("/", CreateAsync).WithName("CreateContact");
        group.MapGet("/{amocrmId:long}", GetAsync).WithName("GetContact");
        group.MapGet("/", ListAsync).WithName("ListContacts");
        return group;
    }

    /// <summary>
    /// Our copy first, then amoCRM, then a new contact in amoCRM: 201 when this request created it, 200 with the
    /// existing contact otherwise.
    /// </summary>
    private static async Task<Results<Created<ContactResponse>, Ok<ContactResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateContactRequest? body, string? account, AccountResolver accounts, PhoneNormalizer phones, IClusterClient client)
    {
        var errors = new Dictionary<string, string[]>();
        if (body is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A JSON object {\"name\": …, \"phone\": …} is required."] });
        }

        var name = CrmValidation.Name(body.Name, "name", errors);
        var phone = CrmValidation.Phone(body.Phone, "phone", phones, errors);
        var resolution = await accounts.ResolveAsync(account);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (resolution.Account is not { } resolved)
        {
            return resolution.Problem!;
        }

        var result = await client.GetGrain<IPhoneIndexGrain>(GrainKeys.Phone(resolved.Subdomain, phone!)).GetOrCreateAsync(name!);
        var response = ContactResponse.From(result.Contact, result.Created);
        return result.Created
            ? TypedResults.Created($"/api/contacts/{result.Contact.AmoCrmId}?account={resolved.Subdomain}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<ContactResponse>, ProblemHttpResult>> GetAsync(
        long amocrmId, string? account, AccountResolver accounts, IClusterClient client)
    {
        var resolution = await accounts.ResolveAsync(account);
        if (resolution.Account is not { } resolved)
        {
            return resolution.Problem!;
        }

        var contact = await client.GetGrain<IContactGrain>(GrainKeys.Contact(resolved.Subdomain, amocrmId)).GetAsync()
            ?? await client.GetGrain<IAccountGrain>(GrainKeys.Account(resolved.Subdomain)).FetchContactAsync(amocrmId);
        return contact is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown contact", detail: $"Neither AmoHub nor amoCRM has contact {amocrmId}.")
            : TypedResults.Ok(ContactResponse.From(contact));
    }

    private static async Task<Results<Ok<PageResponse<ContactResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string? account, string? phone, string? name, int? page, int? pageSize, AccountResolver accounts, PhoneNormalizer phones, IClusterClient client)
    {
        var errors = new Dictionary<string, string[]>();
        var e164 = CrmValidation.Phone(phone, "phone", phones, errors, required: false);
        var nameFilter = CrmValidation.Name(name, "name", errors, required: false);
        var (pageNumber, size) = CrmValidation.Paging(page, pageSize, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var resolution = await accounts.ResolveAsync(account);
        if (resolution.Account is not { } resolved)
        {
            return resolution.Problem!;
        }

        var found = await client.GetGrain<ICrmQueryGrain>(0).ListContactsAsync(resolved.Subdomain, e164, nameFilter, pageNumber, size);
        return TypedResults.Ok(new PageResponse<ContactResponse>(found.Items.Select(c => ContactResponse.From(c)).ToList(), found.PageNumber, found.PageSize, found.Total));
    }
}
