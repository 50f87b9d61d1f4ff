using System.Globalization;
using System.Text.Json.Serialization;
using AmoHub.Sandbox.Contacts;
using AmoHub.Sandbox.CustomFields;
using AmoHub.Sandbox.Http;
using AmoHub.Sandbox.Tags;

namespace AmoHub.Sandbox.Leads;

/// <summary>One lead of a create, complex create or update request, as the client sent it.</summary>
internal sealed record LeadInput(
    long? Id,
    string? Name,
    long? Price,
    long? StatusId,
    long? PipelineId,
    string? RequestId,
    List<CustomFieldInput>? CustomFieldsValues,
    [property: JsonPropertyName("_embedded")] LeadEmbeddedInput? Embedded);

/// <summary><c>_embedded</c> of a lead in a request: its contacts and tags.</summary>
internal sealed record LeadEmbeddedInput(List<LeadContactInput>? Contacts, List<TagInput>? Tags);

/// <summary>A contact in a lead request: a link to an existing one by id, or (complex create) a new one with its tags.</summary>
internal sealed record LeadContactInput(
    long? Id,
    bool? IsMain,
    string? Name,
    string? FirstName,
    string? LastName,
    List<CustomFieldInput>? CustomFieldsValues,
    [property: JsonPropertyName("_embedded")] TagsEmbeddedInput? Embedded);

/// <summary>The kinds of lead requests, which check different things.</summary>
internal enum LeadRequest
{
    /// <summary><c>POST api/v4/leads</c>: contacts are linked by id.</summary>
    Create,

    /// <summary><c>POST api/v4/leads/complex</c>: the contact is new; notes are not part of it, as in amoCRM.</summary>
    Complex,

    /// <summary><c>PATCH api/v4/leads</c>: the lead's id is required.</summary>
    Update,
}

/// <summary>A checked lead of a request; <c>null</c> members were not sent and stay as they are on update.</summary>
internal sealed record LeadDraft(
    string RequestId,
    long? Id,
    string? Name,
    long? Price,
    long? StatusId,
    long? PipelineId,
    IReadOnlyList<SandboxCustomField>? CustomFields,
    IReadOnlyList<TagInput>? Tags,
    IReadOnlyList<SandboxLeadContact> Contacts,
    ContactDraft? NewContact)
{
    /// <summary>
    /// Checks every lead of a request against the account's <paramref name="pipelines"/>; any error fails the whole
    /// request.
    /// </summary>
    public static Checked<IReadOnlyList<LeadDraft>> FromInputs(IReadOnlyList<LeadInput> inputs, LeadRequest kind, IReadOnlyList<Pipeline> pipelines)
    {
        var drafts = new List<LeadDraft>();
        var failures = new List<RequestErrors>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            var requestId = input.RequestId ?? i.ToString(CultureInfo.InvariantCulture);
            var errors = new List<ValidationError>();
            drafts.Add(From(input, requestId, kind, pipelines, errors));
            if (errors.Count > 0)
            {
                failures.Add(new RequestErrors(requestId, errors));
            }
        }

        return failures.Count > 0 ? AmoProblem.Validation(failures) : Checked.Ok<IReadOnlyList<LeadDraft>>(drafts);
    }

    /// <summary>Distinct links with exactly one main contact: the first marked main, else the first.</summary>
    public static IReadOnlyList<SandboxLeadContact> Links(IEnumerable<(long Id, bool IsMain)> contacts)
    {
        var distinct = contacts.DistinctBy(contact => contact.Id).ToList();
        var main = distinct.FindIndex(contact => contact.IsMain) is var index and >= 0 ? index : 0;
        return distinct.Select((contact, i) => new SandboxLeadContact(contact.Id, i == main)).ToList();
    }

    /// <summary>
    /// Makes the lead this draft creates, with <paramref name="contacts"/> linked and the <paramref name="tags"/> it names,
    /// in the pipeline <see cref="Pipeline.Resolve"/> picks (the main one when the draft names neither a pipeline nor an
    /// open status).
    /// </summary>
    public SandboxLead Create(
        long id, IReadOnlyList<SandboxLeadContact> contacts, IReadOnlyList<SandboxTag> tags, long userId, long now, IReadOnlyList<Pipeline> pipelines)
    {
        var (pipeline, statusId) = Target(pipelines, null);
        return new SandboxLead(
            id,
            Name ?? $"Сделка #{id}",
            Price ?? 0,
            pipeline.Id,
            statusId,
            Pipeline.IsClosed(statusId) ? now : null,
            contacts,
            userId,
            userId,
            now,
            now,
            CustomFields ?? [],
            tags);
    }

    /// <summary>
    /// Applies this draft to <paramref name="lead"/>; a field sent replaces its values, the others stay;
    /// <paramref name="tags"/>, when the draft names tags, replace all its tags; leaving a won or lost status clears
    /// <c>closed_at</c>. A named
    /// pipeline, or an open status of another pipeline, moves the lead there (to the pipeline's first status when
    /// the draft names no status).
    /// </summary>
    public SandboxLead ApplyTo(SandboxLead lead, IReadOnlyList<SandboxTag>? tags, long userId, long now, IReadOnlyList<Pipeline> pipelines)
    {
        var (target, statusId) = Target(pipelines, lead);
        var closedAt = !Pipeline.IsClosed(statusId) ? null
            : statusId == lead.StatusId ? lead.ClosedAt
            : now;
        return lead with
        {
            Name = Name ?? lead.Name,
            Price = Price ?? lead.Price,
            PipelineId = target.Id,
            StatusId = statusId,
            ClosedAt = closedAt,
            CustomFields = CustomFieldInput.Merge(lead.CustomFields, CustomFields),
            Tags = tags ?? lead.Tags,
            UpdatedBy = userId,
            UpdatedAt = Math.Max(now, lead.UpdatedAt),
        };
    }

    /// <summary>
    /// The pipeline and status this draft puts <paramref name="lead"/> in, or a new lead when it is <c>null</c>: see
    /// <see cref="Create"/> and <see cref="ApplyTo"/>.
    /// </summary>
    public (Pipeline Pipeline, long StatusId) Target(IReadOnlyList<Pipeline> pipelines, SandboxLead? lead)
    {
        var current = lead is null ? pipelines[0] : pipelines.First(pipeline => pipeline.Id == lead.PipelineId);
        var target = Pipeline.Resolve(pipelines, PipelineId, StatusId, current) ?? throw UnknownPipeline();
        return (target, StatusId ?? (lead is not null && target == current ? lead.StatusId : target.FirstStatusId));
    }

    /// <summary>
    /// The error of this draft when it takes <paramref name="lead"/> (a new lead when <c>null</c>) into a status that
    /// requires the <see cref="ContractField"/> and neither the draft nor the lead fills it; <c>null</c> when none.
    /// </summary>
    public ValidationError? MissingRequiredField(IReadOnlyList<Pipeline> pipelines, SandboxLead? lead)
    {
        var (pipeline, statusId) = Target(pipelines, lead);
        var entering = lead is null || lead.StatusId != statusId || lead.PipelineId != pipeline.Id;
        var filled = CustomFields?.Any(field => field.FieldId == ContractField.Id) == true || lead?.ContractNumber is not null;
        return entering && pipeline.Requires(statusId, ContractField.Id) && !filled
            ? ContractField.Missing(pipeline, statusId)
            : null;
    }

    private static LeadDraft From(LeadInput input, string requestId, LeadRequest kind, IReadOnlyList<Pipeline> pipelines, List<ValidationError> errors)
    {
        if (kind == LeadRequest.Update && input.Id is null)
        {
            errors.Add(new ValidationError("NotBlank", "id", "This value should not be blank."));
        }

        var customFields = CustomFieldInput.Read(CustomFieldCatalog.Leads, input.CustomFieldsValues, errors);
        var pipeline = input.PipelineId is { } pipelineId ? pipelines.FirstOrDefault(candidate => candidate.Id == pipelineId) : null;
        if (input.PipelineId is not null && pipeline is null)
        {
            errors.Add(new ValidationError("NotSupportedChoice", "pipeline_id", "The value you selected is not a valid choice."));
        }

        if (input.StatusId is { } statusId && !(pipeline is null ? pipelines.Any(candidate => candidate.HasStatus(statusId)) : pipeline.HasStatus(statusId)))
        {
            errors.Add(new ValidationError("NotSupportedChoice", "status_id", "The value you selected is not a valid choice."));
        }

        if (input.Price is < 0)
        {
            errors.Add(new ValidationError("GreaterThanOrEqual", "price", "This value should be greater than or equal to 0."));
        }

        var contacts = input.Embedded?.Contacts ?? [];
        IReadOnlyList<SandboxLeadContact> links = [];
        ContactDraft? newContact = null;
        switch (kind)
        {
            case LeadRequest.Create:
                for (var j = 0; j < contacts.Count; j++)
                {
                    if (contacts[j].Id is null)
                    {
                        errors.Add(new ValidationError("NotBlank", $"_embedded.contacts.{j}.id", "This value should not be blank."));
                    }
                }

                links = Links(contacts.Where(contact => contact.Id is not null).Select(contact => (contact.Id!.Value, contact.IsMain ?? false)));
                break;

            case LeadRequest.Complex when contacts.Count > 1:
                errors.Add(new ValidationError("Count", "_embedded.contacts", "A complex lead carries at most one contact."));
                break;

            case LeadRequest.Complex when contacts.Count == 1:
                newContact = ReadNewContact(contacts[0], requestId, errors);
                break;
        }

        return new LeadDraft(requestId, input.Id, input.Name?.Trim(), input.Price, input.StatusId, input.PipelineId, customFields, TagInput.Read(input.Embedded?.Tags, errors), links, newContact);
    }

    private static InvalidOperationException UnknownPipeline() =>
        new("The draft names a pipeline the account does not have; FromInputs checks this before.");

    /// <summary>Reads the new contact of a complex lead; its errors are reported under <c>_embedded.contacts.0</c>.</summary>
    private static ContactDraft ReadNewContact(LeadContactInput contact, string requestId, List<ValidationError> errors)
    {
        var contactErrors = new List<ValidationError>();
        var draft = ContactDraft.From(
            new ContactInput(null, contact.Name, contact.FirstName, contact.LastName, requestId, contact.CustomFieldsValues, contact.Embedded),
            requestId,
            contactErrors);
        errors.AddRange(contactErrors.Select(error => error with { Path = $"_embedded.contacts.0.{error.Path}" }));
        return draft;
    }
}
