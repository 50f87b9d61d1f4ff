



namespace AmoHub.Grains.Storage;

/// <summary>Names of the Orleans storage providers the silo registers.</summary>
public static class StorageNames
{
    /// <summary>Grain state in the deployment's database (SQLite or MySQL).</summary>
    public const string Default = "amohub";
}
