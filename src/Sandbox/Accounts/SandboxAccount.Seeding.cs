using AmoHub.Sandbox.Leads;
using AmoHub.Sandbox.Seeding;

namespace AmoHub.Sandbox.Accounts;

internal sealed partial class SandboxAccount
{
    /// <summary>
    /// Fills the account with seeded data (<paramref name="seed"/> already checked) in one step under the lock: the
    /// missing pipelines, then contacts and leads with ids from the account's counters. Seeding sets the scene rather
    /// than acting in it, so it sends no webhooks and leaves the counters of <see cref="Stats"/> alone.
    /// </summary>
    public SandboxSeedResult Seed(SandboxSeed seed)
    {
        lock (_lock)
        {
            while (_pipelines.Count < seed.Pipelines)
            {
                _pipelines.Add(Pipeline.Numbered(_pipelines.Count + 1));
            }

            var batch = SeedGenerator.Generate(seed, _lastContactId + 1, _lastLeadId + 1, _pipelines[..seed.Pipelines], UiUserId);
            _contacts.EnsureCapacity(_contacts.Count + batch.Live.Count);
            foreach (var contact in batch.Live)
            {
                _contacts.Add(contact.Id, contact);
            }

            _deletedContacts.EnsureCapacity(_deletedContacts.Count + batch.Deleted.Count);
            foreach (var contact in batch.Deleted)
            {
                _deletedContacts.Add(contact.Id, contact);
            }

            _leads.EnsureCapacity(_leads.Count + batch.Leads.Count);
            foreach (var lead in batch.Leads)
            {
                _leads.Add(lead.Id, lead);
            }

            _lastContactId += seed.Contacts;
            _lastLeadId += seed.Leads;
            return batch.Result;
        }
    }
}
