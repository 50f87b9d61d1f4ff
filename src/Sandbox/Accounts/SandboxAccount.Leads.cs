using AmoHub.Sandbox.Contacts;
using AmoHub.Sandbox.Http;
using AmoHub.Sandbox.Leads;

namespace AmoHub.Sandbox.Accounts;

internal sealed partial class SandboxAccount
{
    private readonly Dictionary<long, SandboxLead> _leads = [];

    /// <summary>Deleted leads, kept aside as amoCRM keeps them, to be restored. Their <c>updated_at</c> is the time of deletion.</summary>
    private readonly Dictionary<long, SandboxLead> _deletedLeads = [];

    private readonly List<Pipeline> _pipelines = [Pipeline.Main];
    private long _lastLeadId = 30_000_000;
    private long _leadsCreated;
    private long _leadsUpdated;
    private long _complexAdds;
    private long _leadsDeleted;

    /// <summary>The account's pipelines, the main one first. Pipelines are only ever added, never removed.</summary>
    public IReadOnlyList<Pipeline> Pipelines()
    {
        lock (_lock)
        {
            return _pipelines.ToList();
        }
    }

    public IReadOnlyList<SandboxLead> Leads()
    {
        lock (_lock)
        {
            return _leads.Values.OrderBy(lead => lead.Id).ToList();
        }
    }

    public SandboxLead? FindLead(long id)
    {
        lock (_lock)
        {
            return _leads.GetValueOrDefault(id);
        }
    }

    /// <summary>The ids of the leads linked to each of <paramref name="contactIds"/>, in order; a contact without leads has none.</summary>
    public ILookup<long, long> LeadsOf(IEnumerable<long> contactIds)
    {
        var wanted = contactIds.ToHashSet();
        lock (_lock)
        {
            return _leads.Values
                .OrderBy(lead => lead.Id)
                .SelectMany(lead => lead.Contacts.Where(link => wanted.Contains(link.Id)).Select(link => (ContactId: link.Id, LeadId: lead.Id)))
                .ToLookup(pair => pair.ContactId, pair => pair.LeadId);
        }
    }

    /// <summary>A page of live leads, or of deleted ones when <paramref name="deleted"/>; both filter and order alike.</summary>
    public (IReadOnlyList<SandboxLead> Items, bool HasMore) ListLeads(ListQuery query, bool deleted = false)
    {
        lock (_lock)
        {
            return query.Select(
                (deleted ? _deletedLeads : _leads).Values, lead => lead.Id, lead => lead.UpdatedAt, (lead, search) => lead.Name.Contains(search, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>
    /// Creates leads linked to existing contacts (<c>add_lead</c>). Every linked contact and every tag id must exist,
    /// and through the API every field the leads' statuses require must be filled, or nothing is created and the
    /// answer is a validation error.
    /// </summary>
    public Checked<IReadOnlyList<SandboxLead>> CreateLeads(IReadOnlyList<LeadDraft> drafts, long userId)
    {
        lock (_lock)
        {
            var unknown = Failures(
                drafts,
                draft => draft.RequestId,
                draft => draft.Contacts
                    .Select((link, j) => (link, j))
                    .Where(item => !_contacts.ContainsKey(item.link.Id))
                    .Select(item => new ValidationError("NotFound", $"_embedded.contacts.{item.j}.id", "The contact does not exist."))
                    .Concat(UnknownTags(SandboxEntityType.Leads, draft.Tags)));
            if (unknown.Count > 0)
            {
                return AmoProblem.Validation(unknown);
            }

            if (MissingRequiredFields(drafts, userId, update: false) is { Count: > 0 } missing)
            {
                return AmoProblem.Validation(missing);
            }

            var now = Now();
            var created = drafts.Select(draft => AddLead(draft, draft.Contacts, userId, now)).ToList();
            Publish(created.Select(lead => WebhookEvent.ForLead("add", lead, Id)));
            return Checked.Ok<IReadOnlyList<SandboxLead>>(created);
        }
    }

    /// <summary>
    /// Creates each lead with its new main contact in one step (<c>add_contact</c> and <c>add_lead</c>). Every tag id of
    /// the leads and their contacts must exist, and through the API every field the leads' statuses require must be
    /// filled, or nothing is created.
    /// </summary>
    public Checked<IReadOnlyList<(SandboxLead Lead, SandboxContact? Contact)>> CreateComplexLeads(IReadOnlyList<LeadDraft> drafts, long userId)
    {
        lock (_lock)
        {
            var unknown = Failures(
                drafts,
                draft => draft.RequestId,
                draft => UnknownTags(SandboxEntityType.Leads, draft.Tags).Concat(UnknownTags(SandboxEntityType.Contacts, draft.NewContact?.Tags, "_embedded.contacts.0.")));
            if (unknown.Count > 0)
            {
                return AmoProblem.Validation(unknown);
            }

            if (MissingRequiredFields(drafts, userId, update: false) is { Count: > 0 } missing)
            {
                return AmoProblem.Validation(missing);
            }

            var now = Now();
            _complexAdds++;
            var created = drafts
                .Select(draft =>
                {
                    var contact = draft.NewContact is null ? null : AddContact(draft.NewContact, userId, now);
                    var lead = AddLead(draft, contact is null ? [] : [new SandboxLeadContact(contact.Id, IsMain: true)], userId, now);
                    return (lead, contact);
                })
                .ToList();
            Publish(created
                .Where(item => item.contact is not null)
                .Select(item => WebhookEvent.ForContact("add", item.contact!, Id))
                .Concat(created.Select(item => WebhookEvent.ForLead("add", item.lead, Id))));
            return Checked.Ok<IReadOnlyList<(SandboxLead, SandboxContact?)>>(created);
        }
    }

    /// <summary>
    /// Applies updates (<c>update_lead</c>, and <c>status_lead</c> with the old status when the status changes).
    /// Every id and every tag id must exist, and through the API a lead moved into a status must fill the fields it
    /// requires, or nothing is applied.
    /// </summary>
    public Checked<IReadOnlyList<SandboxLead>> UpdateLeads(IReadOnlyList<LeadDraft> drafts, long userId)
    {
        lock (_lock)
        {
            var unknown = Failures(
                drafts,
                draft => draft.RequestId,
                draft => (draft.Id is { } id && _leads.ContainsKey(id) ? [] : new[] { new ValidationError("NotFound", "id", "The lead does not exist.") })
                    .Concat(UnknownTags(SandboxEntityType.Leads, draft.Tags)));
            if (unknown.Count > 0)
            {
                return AmoProblem.Validation(unknown);
            }

            if (MissingRequiredFields(drafts, userId, update: true) is { Count: > 0 } missing)
            {
                return AmoProblem.Validation(missing);
            }

            var now = Now();
            var events = new List<WebhookEvent>();
            var statusEvents = new List<WebhookEvent>();
            var updated = new List<SandboxLead>();
            foreach (var draft in drafts)
            {
                var before = _leads[draft.Id!.Value];
                var lead = draft.ApplyTo(before, ResolveTags(SandboxEntityType.Leads, draft.Tags), userId, now, _pipelines);
                _leads[lead.Id] = lead;
                _leadsUpdated++;
                updated.Add(lead);
                events.Add(WebhookEvent.ForLead("update", lead, Id));
                if (lead.StatusId != before.StatusId)
                {
                    statusEvents.Add(WebhookEvent.ForLead("status", lead, Id, before.StatusId));
                }
            }

            Publish(events.Concat(statusEvents));
            return Checked.Ok<IReadOnlyList<SandboxLead>>(updated);
        }
    }

    /// <summary>
    /// Deletes a lead (<c>delete_lead</c>) and keeps it aside as deleted. The deletion is its last change: it stamps
    /// <c>updated_at</c> (never backwards) and <c>updated_by</c>, as an update does.
    /// </summary>
    public bool DeleteLead(long id, long userId)
    {
        lock (_lock)
        {
            if (!_leads.Remove(id, out var lead))
            {
                return false;
            }

            _deletedLeads.Add(id, lead with { UpdatedBy = userId, UpdatedAt = Math.Max(Now(), lead.UpdatedAt) });
            _leadsDeleted++;
            Publish([WebhookEvent.ForDeletedLead(lead, Id)]);
            return true;
        }
    }

    /// <summary>
    /// Restores a deleted lead to the live ones (<c>restore_lead</c>), stamping <c>updated_at</c> (never backwards) and
    /// <c>updated_by</c>. Links to contacts deleted meanwhile are dropped. <c>null</c> when there is no deleted lead
    /// with this id.
    /// </summary>
    public SandboxLead? RestoreLead(long id, long userId)
    {
        lock (_lock)
        {
            if (!_deletedLeads.Remove(id, out var deleted))
            {
                return null;
            }

            var lead = deleted with
            {
                Contacts = deleted.Contacts.Where(link => _contacts.ContainsKey(link.Id)).ToList(),
                UpdatedBy = userId,
                UpdatedAt = Math.Max(Now(), deleted.UpdatedAt),
            };
            _leads.Add(id, lead);
            Publish([WebhookEvent.ForLead("restore", lead, Id)]);
            return lead;
        }
    }

    /// <summary>
    /// The errors of drafts that take a lead into a status requiring a field they leave empty (see
    /// <see cref="LeadDraft.MissingRequiredField"/>). Only the API user is held to it: the control surface's web UI user
    /// cannot fill custom fields, and a person in amoCRM's web UI is asked for them on the spot.
    /// </summary>
    private List<RequestErrors> MissingRequiredFields(IReadOnlyList<LeadDraft> drafts, long userId, bool update) =>
        userId != ApiUserId
            ? []
            : drafts
                .Select(draft => (draft.RequestId, Error: draft.MissingRequiredField(_pipelines, update ? _leads[draft.Id!.Value] : null)))
                .Where(item => item.Error is not null)
                .Select(item => new RequestErrors(item.RequestId, [item.Error!]))
                .ToList();

    private SandboxLead AddLead(LeadDraft draft, IReadOnlyList<SandboxLeadContact> contacts, long userId, long now)
    {
        var lead = draft.Create(++_lastLeadId, contacts, ResolveTags(SandboxEntityType.Leads, draft.Tags) ?? [], userId, now, _pipelines);
        _leads.Add(lead.Id, lead);
        _leadsCreated++;
        return lead;
    }
}
