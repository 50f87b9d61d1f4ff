using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Storage;

namespace AmoHub.Grains.Crm;

/// <summary>One amoCRM lead; see <see cref="AmoCrmEntityGrain{TSnapshot}"/> for the ordering rules.</summary>
public sealed class LeadGrain(
    [PersistentState("lead", StorageNames.Default)] IPersistentState<EntityState<LeadSnapshot>> state,
    CrmReadModel readModel,
    AmoCrmClock clock) : AmoCrmEntityGrain<LeadSnapshot>(state, clock), ILeadGrain
{
    /// <inheritdoc />
    protected override DateTimeOffset UpdatedAtOf(LeadSnapshot snapshot) => snapshot.UpdatedAt;

    /// <inheritdoc />
    protected override LeadSnapshot WithUpdatedAt(LeadSnapshot snapshot, DateTimeOffset updatedAt) => snapshot with { UpdatedAt = updatedAt };

    /// <inheritdoc />
    protected override DateTimeOffset CreatedAtOf(LeadSnapshot snapshot) => snapshot.CreatedAt;

    /// <inheritdoc />
    protected override bool SameFields(LeadSnapshot kept, LeadSnapshot incoming) =>
        kept == incoming with { CreatedAt = kept.CreatedAt, UpdatedAt = kept.UpdatedAt };

    /// <inheritdoc />
    protected override LeadSnapshot FromWebhook(WebhookEvent change, LeadSnapshot? known)
    {
        ArgumentNullException.ThrowIfNull(change);
        var updatedAt = change.UpdatedAt!.Value;
        return new LeadSnapshot(
            change.Id,
            change.Name ?? known?.Name ?? "",
            change.StatusId ?? known?.StatusId,
            change.PipelineId ?? known?.PipelineId,
            known?.MainContactId,
            change.CreatedAt ?? known?.CreatedAt ?? updatedAt,
            updatedAt);
    }

    /// <inheritdoc />
    protected override Task WriteReadModelAsync(LeadSnapshot snapshot) => readModel.UpsertLeadAsync(Account, snapshot);

    /// <inheritdoc />
    protected override Task DeleteFromReadModelAsync() => readModel.DeleteLeadAsync(Account, AmoCrmId);
}
