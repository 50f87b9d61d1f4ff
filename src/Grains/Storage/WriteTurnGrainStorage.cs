using AmoHub.ServiceDefaults.Storage;
using Orleans.Storage;

namespace AmoHub.Grains.Storage;

/// <summary>
/// Grain storage that writes in the process's write turn (<see cref="AmoHubDatabase.WaitWriteTurnAsync"/>), so grain
/// state writes on SQLite queue with the read model's writes instead of colliding with them; reads go straight to
/// the inner storage.
/// </summary>
public sealed class WriteTurnGrainStorage(IGrainStorage inner, AmoHubDatabase database) : IGrainStorage
{
    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        using var turn = await database.WaitWriteTurnAsync(WritePriority.Normal, CancellationToken.None);
        await inner.WriteStateAsync(stateName, grainId, grainState);
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        using var turn = await database.WaitWriteTurnAsync(WritePriority.Normal, CancellationToken.None);
        await inner.ClearStateAsync(stateName, grainId, grainState);
    }
}
