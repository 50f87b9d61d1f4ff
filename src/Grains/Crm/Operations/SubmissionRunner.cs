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
        var amoCrm = grains.GetGrain<IAccountGrain>(GrainKeys.Account(account));
        if (submission.Kind == OperationKind.Contact)
        {
            var request = submission.Contact ?? throw new ArgumentException("A contact submission without its contact.", nameof(submission));
            var contact = await ContactLocks.FindOrMakeAsync(
                grains, account, new NewContact(request.Name, request.Phone, request.Email, await ContactFieldsAsync(amoCrm, request.Fields)));
            return (contact.Contact, null, contact.Created);
        }

        var lead = submission.Lead ?? throw new ArgumentException("A lead submission without its lead.", nameof(submission));

        // Before the contact is found or made: a pipeline, status or field value the account does not take refuses the
        // request before anything is made in amoCRM.
        var (pipelineId, fields, contactFields) = await CheckAsync(amoCrm, lead);
        var newLead = new NewLead(lead.Name, lead.StatusId, null, pipelineId, lead.Price, lead.Tags, fields, lead.Note);
        var nameLock = grains.GetGrain<ILeadNameIndexGrain>(GrainKeys.LeadName(account, NameKeys.Normalize(lead.Name)));
        if (lead.ContactPhone is not null || lead.ContactEmail is not null)
        {
            var withContact = await nameLock.GetOrCreateWithContactAsync(
                newLead, new NewContact(lead.ContactName ?? lead.Name, lead.ContactPhone, lead.ContactEmail, contactFields));
            return (null, withContact.Lead, withContact.Created);
        }

        long? contactId = null;
        if (lead.ContactId is { } id)
        {
            var known = await grains.GetGrain<IContactGrain>(GrainKeys.Contact(account, id)).GetAsync()
                ?? await amoCrm.FetchContactAsync(id);
            if (known is null)
            {
                throw new InvalidFieldException("contactId", $"Neither AmoHub nor amoCRM has contact {id}.");
            }

            contactId = id;
        }

        var made = await nameLock.GetOrCreateAsync(newLead with { MainContactId = contactId });
        return (null, made.Lead, made.Created);
    }

    /// <summary>
    /// Checks what of a submission only the account knows, without making anything: a lead's pipeline, status and
    /// custom field values, a contact's custom field values.
    /// </summary>
    /// <exception cref="InvalidFieldException">A field the account does not take.</exception>
    /// <exception cref="AmoCrmException">amoCRM could not be asked.</exception>
    public async Task CheckAsync(string account, Submission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var amoCrm = grains.GetGrain<IAccountGrain>(GrainKeys.Account(account));
        if (submission.Lead is { } lead)
        {
            await CheckAsync(amoCrm, lead);
        }
        else if (submission.Contact is { } contact)
        {
            await ContactFieldsAsync(amoCrm, contact.Fields);
        }
    }

    private static async Task<(long PipelineId, ImmutableArray<ResolvedField> Fields, ImmutableArray<ResolvedField> ContactFields)> CheckAsync(
        IAccountGrain amoCrm, LeadSubmission lead) =>
        (await amoCrm.ResolvePipelineAsync(lead.PipelineId, lead.StatusId),
         await amoCrm.ResolveFieldsAsync(FieldEntity.Leads, lead.Fields),
         await ContactFieldsAsync(amoCrm, lead.ContactFields));

    private static async Task<ImmutableArray<ResolvedField>> ContactFieldsAsync(IAccountGrain amoCrm, ImmutableArray<FieldInput> fields) =>
        fields.IsDefaultOrEmpty ? [] : await amoCrm.ResolveFieldsAsync(FieldEntity.Contacts, fields);
}
