using AmoHub.Grains.Keys;
using AmoHub.Grains.Persistence;

namespace AmoHub.Grains.Crm;

/// <summary>What a lead grain keeps.</summary>
[GenerateSerializer, Alias("amohub.LeadState")]
public sealed class LeadState
{
    /// <summary>The newest snapshot applied.</summary>
    [Id(0)]
    public LeadSnapshot? Lead { get; set; }

    /// <summary>When amoCRM deleted the lead, if it did.</summary>
    [Id(1)]
    public DateTimeOffset? DeletedAt { get; set; }
}

/// <summary>One amoCRM lead; the same ordering rules as <see cref="ContactGrain"/>.</summary>
public sealed class LeadGrain(
    [PersistentState("lead", StorageNames.Default)] IPersistentState<LeadState> state,
    CrmReadModel readModel) : Grain, ILeadGrain
{
    private string Account => GrainKeys.AccountOf(this.GetPrimaryKeyString());

    /// <inheritdoc />
    public async Task<bool> ApplyAsync(LeadSnapshot snapshot, bool readFromAmoCrm)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var current = state.State;
        if ((current.DeletedAt is { } deletedAt && snapshot.UpdatedAt <= deletedAt)
            || (current.Lead is { } kept && (ContactGrain.IsOlder(snapshot.UpdatedAt, kept.UpdatedAt, readFromAmoCrm) || kept == snapshot)))
        {
            return false;
        }

        current.Lead = snapshot;
        current.DeletedAt = null;
        await state.WriteStateAsync();
        await readModel.UpsertLeadAsync(Account, snapshot);
        return true;
    }

    /// <inheritdoc />
    public async Task DeleteAsync(DateTimeOffset at)
    {
        if (state.State.DeletedAt is { } deletedAt && deletedAt >= at)
        {
            return;
        }

        state.State.DeletedAt = at;
        await state.WriteStateAsync();
        await readModel.DeleteLeadAsync(Account, GrainKeys.AmoCrmIdOf(this.GetPrimaryKeyString()));
    }

    /// <inheritdoc />
    public Task<LeadSnapshot?> GetAsync() =>
        Task.FromResult(state.State.DeletedAt is null ? state.State.Lead : null);
}
