using System.Collections.Immutable;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;

namespace AmoHub.Grains.Crm.Operations;

/// <summary>
/// Carries out one create request through the dedup locks: a contact by its phone or email; a lead by its name, in the
/// pipeline the account resolves, with its main contact found or made by phone, or checked by id. Running it twice
/// makes nothing twice: the second run finds what the first made.
/// </summary>
public sealed class SubmissionRunner(IGrainFactory grains)
{
    /// <summary>Runs the submission of <paramref name="account"/>; the operation it returns is done.</summary>
    /// <exception cref="InvalidFieldException">A field the account does not take (a pipeline, a status, a contact id).</exception>
    /// <exception cref="AmoCrmException">amoCRM did not do it.</exception>
    public async Task<(ContactSnapshot? Contact, LeadSnapshot? Lead, bool Created)> RunAsync(string account, Submission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (submission.Kind == OperationKind.Contact)
        {
            var request = submission.Contact ?? throw new ArgumentException("A contact submission without its contact.", nameof(submission));
            var contact = request switch
            {
                { Phone: { } e164 } => await grains.GetGrain<IPhoneIndexGrain>(GrainKeys.Phone(account, e164)).GetOrCreateAsync(request.Name, request.Email),
                { Email: { } address } => await grains.GetGrain<IEmailIndexGrain>(GrainKeys.Email(account, address)).GetOrCreateAsync(request.Name),
                _ => throw new ArgumentException("A contact submission without a phone or an email.", nameof(submission)),
            };
            return (contact.Contact, null, contact.Created);
        }

        var lead = submission.Lead ?? throw new ArgumentException("A lead submission without its lead.", nameof(submission));
        var amoCrm = grains.GetGrain<IAccountGrain>(GrainKeys.Account(account));

        // Before the contact is found or made: a pipeline, status or field value the account does not take refuses the
        // request before anything is made in amoCRM.
        var (pipelineId, fields) = await CheckAsync(amoCrm, lead);
        long? contactId = null;
        if (lead.ContactPhone is { } phone)
        {
            var contact = await grains.GetGrain<IPhoneIndexGrain>(GrainKeys.Phone(account, phone)).GetOrCreateAsync(lead.ContactName ?? lead.Name, lead.ContactEmail);
            contactId = contact.Contact.AmoCrmId;
        }
        else if (lead.ContactEmail is { } email)
        {
            var contact = await grains.GetGrain<IEmailIndexGrain>(GrainKeys.Email(account, email)).GetOrCreateAsync(lead.ContactName ?? lead.Name);
            contactId = contact.Contact.AmoCrmId;
        }
        else if (lead.ContactId is { } id)
        {
            var known = await grains.GetGrain<IContactGrain>(GrainKeys.Contact(account, id)).GetAsync()
                ?? await amoCrm.FetchContactAsync(id);
            if (known is null)
            {
                throw new InvalidFieldException("contactId", $"Neither AmoHub nor amoCRM has contact {id}.");
            }

            contactId = id;
        }

        var made = await grains.GetGrain<ILeadNameIndexGrain>(GrainKeys.LeadName(account, NameKeys.Normalize(lead.Name)))
            .GetOrCreateAsync(new NewLead(lead.Name, lead.StatusId, contactId, pipelineId, lead.Price, lead.Tags, fields, lead.Note));
        return (null, made.Lead, made.Created);
    }

    /// <summary>
    /// Checks what of a submission only the account knows, without making anything: a lead's pipeline, status and
    /// custom field values. Nothing to check for a contact.
    /// </summary>
    /// <exception cref="InvalidFieldException">A field the account does not take.</exception>
    /// <exception cref="AmoCrmException">amoCRM could not be asked.</exception>
    public async Task CheckAsync(string account, Submission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (submission.Lead is { } lead)
        {
            await CheckAsync(grains.GetGrain<IAccountGrain>(GrainKeys.Account(account)), lead);
        }
    }

    private static async Task<(long PipelineId, ImmutableArray<ResolvedField> Fields)> CheckAsync(IAccountGrain amoCrm, LeadSubmission lead) =>
        (await amoCrm.ResolvePipelineAsync(lead.PipelineId, lead.StatusId), await amoCrm.ResolveFieldsAsync(FieldEntity.Leads, lead.Fields));
}
