using AmoHub.ServiceDefaults.Storage;

namespace AmoHub.Tests.Infrastructure;

/// <summary>Theory data: every storage engine AmoHub supports.</summary>
public sealed class Engines : TheoryData<StorageProvider>
{
    /// <summary>SQLite and MySQL (MariaDB).</summary>
    public Engines()
    {
        Add(StorageProvider.Sqlite);
        Add(StorageProvider.MySql);
    }
}
