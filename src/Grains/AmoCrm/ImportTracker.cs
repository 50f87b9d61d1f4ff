using AmoHub.Grains.Interfaces.Crm;

namespace AmoHub.Grains.AmoCrm;

/// <summary>
/// Follows the first import of one kind of entity: counts what it read (stored with the sync's position, so the count
/// survives restarts), and tells how far it has come. amoCRM's lists say nothing of their length, so the total is
/// estimated from time: the import reads oldest change first, and the share of the span from its first change to now
/// that it has covered is taken for the share of the entities it has read. The rate is measured since this activation
/// read its first page.
/// </summary>
public sealed class ImportTracker(
    Func<ImportPosition> load, Action<ImportPosition> store, Func<SyncCursor> cursor, Action<ImportProgress> report, TimeProvider time)
{
    /// <summary>How often <c>report</c> hears of an import under way.</summary>
    public static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(30);

    private long _readAtStart = -1;
    private DateTimeOffset _startedAt;
    private DateTimeOffset _reportedAt;

    /// <summary>Counts one page: <paramref name="count"/> entities new to the import, the oldest change on it.</summary>
    public void Read(int count, long oldestOnPage)
    {
        var position = load();
        if (_readAtStart < 0)
        {
            _readAtStart = position.Read;
            _startedAt = time.GetUtcNow();
        }

        store(new ImportPosition(position.Read + count, position.Oldest > 0 ? position.Oldest : oldestOnPage));
        if (time.GetUtcNow() - _reportedAt >= ReportEvery)
        {
            _reportedAt = time.GetUtcNow();
            report(Report());
        }
    }

    /// <summary>The import has ended: reported once more, and the rate is no longer measured.</summary>
    public void Complete()
    {
        report(Report());
        _readAtStart = -1;
    }

    /// <summary>Where the import stands.</summary>
    public ImportProgress Report()
    {
        var position = load();
        var (synced, reached) = cursor();
        if (synced)
        {
            return new ImportProgress(true, position.Read, position.Read, null, null);
        }

        var now = time.GetUtcNow();
        var elapsed = now - _startedAt;
        double? rate = _readAtStart >= 0 && elapsed > TimeSpan.Zero ? (position.Read - _readAtStart) / elapsed.TotalSeconds : null;
        long? total = null;
        var span = now.ToUnixTimeSeconds() - position.Oldest;
        if (position.Oldest > 0 && reached > position.Oldest && span > 0)
        {
            var covered = Math.Min(1, (double)(reached - position.Oldest) / span);
            total = Math.Max(position.Read, (long)Math.Round(position.Read / covered));
        }

        TimeSpan? eta = rate > 0 && total is { } estimate ? TimeSpan.FromSeconds(Math.Round((estimate - position.Read) / rate.Value)) : null;
        return new ImportProgress(false, position.Read, total, rate is { } r ? Math.Round(r, 1) : null, eta);
    }
}
