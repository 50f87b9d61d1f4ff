using AmoHub.Sandbox.Contacts;
using AmoHub.Sandbox.Http;

namespace AmoHub.Sandbox.Accounts;

internal sealed partial class SandboxAccount
{
    private readonly Dictionary<long, SandboxContact> _contacts = [];

    /// <summary>
    /// Deleted contacts, kept aside as amoCRM keeps them: lists leave them out, <c>with=only_deleted</c> lists only
    /// them. Their <c>updated_at</c> is the time of deletion.
    /// </summary>
    private readonly Dictionary<long, SandboxContact> _deletedContacts = [];

    private long _lastContactId = 20_000_000;
    private long _contactsCreated;
    private long _contactsUpdated;
    private long _contactPages;
    private long _contactsDeleted;

    public IReadOnlyList<SandboxContact> Contacts()
    {
        lock (_lock)
        {
            return _contacts.Values.OrderBy(contact => contact.Id).ToList();
        }
    }

    /// <summary>The deleted contacts the account keeps, by id.</summary>
    public IReadOnlyList<SandboxContact> DeletedContacts()
    {
        lock (_lock)
        {
            return _deletedContacts.Values.OrderBy(contact => contact.Id).ToList();
        }
    }

    public SandboxContact? FindContact(long id)
    {
        lock (_lock)
        {
            return _contacts.GetValueOrDefault(id);
        }
    }

    /// <summary>A page of live contacts, or of deleted ones when <paramref name="deleted"/>; both filter and order alike.</summary>
    public (IReadOnlyList<SandboxContact> Items, bool HasMore) ListContacts(ListQuery query, bool deleted = false)
    {
        lock (_lock)
        {
            var contacts = deleted ? _deletedContacts : _contacts;
            if (!deleted && query.Search is null)
            {
                _contactPages++;
            }

            return query.Select(contacts.Values, contact => contact.Id, contact => contact.UpdatedAt, ContactMatches);
        }
    }

    /// <summary>
    /// Creates contacts in the drafts' order and tells the webhooks (<c>add_contact</c>). Every tag id they name must
    /// exist, or nothing is created and the answer is a validation error.
    /// </summary>
    public Checked<IReadOnlyList<SandboxContact>> CreateContacts(IReadOnlyList<ContactDraft> drafts, long userId)
    {
        lock (_lock)
        {
            if (Failures(drafts, draft => draft.RequestId, draft => UnknownTags(SandboxEntityType.Contacts, draft.Tags)) is { Count: > 0 } unknown)
            {
                return AmoProblem.Validation(unknown);
            }

            var now = Now();
            var created = drafts.Select(draft => AddContact(draft, userId, now)).ToList();
            Publish(created.Select(contact => WebhookEvent.ForContact("add", contact, Id)));
            return Checked.Ok<IReadOnlyList<SandboxContact>>(created);
        }
    }

    /// <summary>
    /// Applies updates (<c>update_contact</c>). Every id, and every tag id the drafts name, must exist, or nothing is
    /// applied and the answer is a validation error.
    /// </summary>
    public Checked<IReadOnlyList<SandboxContact>> UpdateContacts(IReadOnlyList<ContactDraft> drafts, long userId)
    {
        lock (_lock)
        {
            var unknown = Failures(
                drafts,
                draft => draft.RequestId,
                draft => (draft.Id is { } id && _contacts.ContainsKey(id) ? [] : new[] { new ValidationError("NotFound", "id", "The contact does not exist.") })
                    .Concat(UnknownTags(SandboxEntityType.Contacts, draft.Tags)));
            if (unknown.Count > 0)
            {
                return AmoProblem.Validation(unknown);
            }

            var now = Now();
            var updated = drafts
                .Select(draft =>
                {
                    var contact = draft.ApplyTo(_contacts[draft.Id!.Value], ResolveTags(SandboxEntityType.Contacts, draft.Tags), userId, now);
                    _contacts[contact.Id] = contact;
                    _contactsUpdated++;
                    return contact;
                })
                .ToList();
            Publish(updated.Select(contact => WebhookEvent.ForContact("update", contact, Id)));
            return Checked.Ok<IReadOnlyList<SandboxContact>>(updated);
        }
    }

    /// <summary>
    /// Deletes a contact (<c>delete_contact</c>), keeps it aside as deleted and unlinks it from its leads. The deletion
    /// is its last change: it stamps <c>updated_at</c> (never backwards) and <c>updated_by</c>, as an update does.
    /// </summary>
    public bool DeleteContact(long id, long userId)
    {
        lock (_lock)
        {
            if (!_contacts.Remove(id, out var contact))
            {
                return false;
            }

            _deletedContacts.Add(id, contact with { UpdatedBy = userId, UpdatedAt = Math.Max(Now(), contact.UpdatedAt) });
            _contactsDeleted++;
            foreach (var lead in _leads.Values.Where(lead => lead.Contacts.Any(link => link.Id == id)).ToList())
            {
                _leads[lead.Id] = lead with { Contacts = lead.Contacts.Where(link => link.Id != id).ToList() };
            }

            Publish([WebhookEvent.ForDeletedContact(id, Id)]);
            return true;
        }
    }

    /// <summary>
    /// Restores a deleted contact to the live ones (<c>restore_contact</c>). The restoring is its last change: it stamps
    /// <c>updated_at</c> (never backwards) and <c>updated_by</c>. The lead links its deletion dropped stay dropped.
    /// <c>null</c> when there is no deleted contact with this id.
    /// </summary>
    public SandboxContact? RestoreContact(long id, long userId)
    {
        lock (_lock)
        {
            if (!_deletedContacts.Remove(id, out var deleted))
            {
                return null;
            }

            var contact = deleted with { UpdatedBy = userId, UpdatedAt = Math.Max(Now(), deleted.UpdatedAt) };
            _contacts.Add(id, contact);
            Publish([WebhookEvent.ForContact("restore", contact, Id)]);
            return contact;
        }
    }

    private SandboxContact AddContact(ContactDraft draft, long userId, long now)
    {
        var contact = draft.Create(++_lastContactId, ResolveTags(SandboxEntityType.Contacts, draft.Tags) ?? [], userId, now);
        _contacts.Add(contact.Id, contact);
        _contactsCreated++;
        return contact;
    }

    /// <summary>
    /// amoCRM's full-text search, as far as AmoHub relies on it: the query occurs, in any case, in the name or a field
    /// value (an email among them), or a phone-like query's digits occur in the digits of a phone or email.
    /// </summary>
    private static bool ContactMatches(SandboxContact contact, string query)
    {
        var values = contact.Phones.Concat(contact.Emails).Select(value => value.Value).ToList();
        if (contact.Name.Contains(query, StringComparison.OrdinalIgnoreCase)
            || values.Any(value => value.Contains(query, StringComparison.OrdinalIgnoreCase))
            || contact.CustomFields.Any(field => field.Values.Any(value => value.Value.Contains(query, StringComparison.OrdinalIgnoreCase))))
        {
            return true;
        }

        var isPhoneLike = query.Any(char.IsAsciiDigit) && query.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ' or '(' or ')');
        return isPhoneLike && values.Any(value => Digits(value).Contains(Digits(query), StringComparison.Ordinal));
    }

    private static string Digits(string text) => string.Concat(text.Where(char.IsAsciiDigit));
}
