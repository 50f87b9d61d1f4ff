using System.Collections.Concurrent;
using AmoHub.ServiceDefaults.Security;

namespace AmoHub.WebApi.Monitoring;

/// <summary>
/// Counts the live streams held open per API key and per client address, so one caller cannot hold thousands of
/// connections (<see cref="LimitSettings.MaxStreamsPerKey"/>, <see cref="LimitSettings.MaxStreamsPerAddress"/>).
/// A slot is given back when its stream ends.
/// </summary>
public sealed class StreamSlots(LimitSettings limits)
{
    private readonly ConcurrentDictionary<string, int> _open = new();

    /// <summary>Takes a slot for a stream of <paramref name="key"/> (null without a key) from <paramref name="address"/>; null when either is full.</summary>
    public IDisposable? TryTake(string? key, string address)
    {
        if (!TryTake("address:" + address, limits.MaxStreamsPerAddress))
        {
            return null;
        }

        if (key is not null && !TryTake("key:" + key, limits.MaxStreamsPerKey))
        {
            Release("address:" + address);
            return null;
        }

        return new Slot(this, key, address);
    }

    private bool TryTake(string holder, int most)
    {
        while (true)
        {
            var open = _open.GetOrAdd(holder, 0);
            if (open >= most)
            {
                return false;
            }

            if (_open.TryUpdate(holder, open + 1, open))
            {
                return true;
            }
        }
    }

    private void Release(string holder)
    {
        while (_open.TryGetValue(holder, out var open))
        {
            if (open <= 1 ? _open.TryRemove(new KeyValuePair<string, int>(holder, open)) : _open.TryUpdate(holder, open - 1, open))
            {
                return;
            }
        }
    }

    private sealed class Slot(StreamSlots slots, string? key, string address) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 1)
            {
                return;
            }

            slots.Release("address:" + address);
            if (key is not null)
            {
                slots.Release("key:" + key);
            }
        }
    }
}
