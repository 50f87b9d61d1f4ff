using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Probes;
using Orleans.Concurrency;

namespace AmoHub.Grains.Monitoring.Incidents;

/// <summary>Serves the incidents API from the <c>incidents</c> table; any silo can run as many as it needs.</summary>
[StatelessWorker]
public sealed class IncidentsGrain(IncidentStore store) : Grain, IIncidentsGrain
{
    /// <inheritdoc />
    public Task<IReadOnlyList<IncidentView>> ListAsync(string account, int limit, long? beforeId, CheckType? checkType, bool openOnly) =>
        store.ListAsync(account, limit, beforeId, checkType, openOnly);

    /// <inheritdoc />
    public Task<IncidentView?> GetAsync(string account, long id) => store.GetAsync(account, id);

    /// <inheritdoc />
    public async Task<IncidentView?> AcknowledgeAsync(string account, long id, string? by) =>
        await store.AcknowledgeAsync(account, id, by) ? await store.GetAsync(account, id) : null;

    /// <inheritdoc />
    public Task<AddedNote> AddNoteAsync(string account, long id, string? author, string text) => store.AddNoteAsync(account, id, author, text);

    /// <inheritdoc />
    public Task<IReadOnlyList<IncidentNote>?> ListNotesAsync(string account, long id, int limit, long? beforeId) =>
        store.ListNotesAsync(account, id, limit, beforeId);
}
