using System.Runtime.InteropServices;

namespace AmoHub.Grains.Monitoring.Rollups;

/// <summary>
/// An exact histogram of response times at 1 ms resolution: how many results took each whole number of
/// milliseconds. Histograms of buckets merge by adding counts, so a percentile of merged rollups equals the
/// percentile of the raw results they came from.
/// <para>
/// Stored form (<see cref="Encode"/>): a format byte (1), then for each distinct value in ascending order the
/// difference to the previous value (the first value itself) and its count, both as unsigned LEB128 varints.
/// Latencies cluster, so most pairs take two or three bytes.
/// </para>
/// </summary>
public sealed class LatencyHistogram
{
    private const byte Format = 1;

    private readonly Dictionary<int, long> _counts = [];

    /// <summary>How many results the histogram holds.</summary>
    public long Count { get; private set; }

    /// <summary>Adds <paramref name="count"/> results of <paramref name="milliseconds"/> (negative values count as 0).</summary>
    public void Add(int milliseconds, long count = 1)
    {
        CollectionsMarshal.GetValueRefOrAddDefault(_counts, Math.Max(0, milliseconds), out _) += count;
        Count += count;
    }

    /// <summary>Adds every result of another histogram.</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (value, count) in other._counts)
        {
            Add(value, count);
        }
    }

    /// <summary>Adds every result of a stored histogram.</summary>
    /// <exception cref="FormatException">The bytes are not a histogram of this format.</exception>
    public void AddEncoded(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length == 0 || encoded[0] != Format)
        {
            throw new FormatException("Not an AmoHub latency histogram.");
        }

        var position = 1;
        var value = 0L;
        while (position < encoded.Length)
        {
            value += ReadVarint(encoded, ref position);
            var count = ReadVarint(encoded, ref position);
            if (value > int.MaxValue || count <= 0)
            {
                throw new FormatException("A latency histogram holds a value out of range.");
            }

            Add((int)value, count);
        }
    }

    /// <summary>The stored form (see the type's remarks).</summary>
    public byte[] Encode()
    {
        var values = _counts.Keys.ToArray();
        Array.Sort(values);
        var buffer = new byte[1 + (values.Length * 15)];
        buffer[0] = Format;
        var position = 1;
        var previous = 0;
        foreach (var value in values)
        {
            WriteVarint(buffer, ref position, (ulong)(value - previous));
            WriteVarint(buffer, ref position, (ulong)_counts[value]);
            previous = value;
        }

        return buffer[..position];
    }

    /// <summary>
    /// Nearest-rank percentiles in one pass, in the order asked: for each, the smallest value <c>v</c> such that at
    /// least <c>ceil(percent × Count / 100)</c> results took <c>v</c> ms or less (rank 1 at least). Nulls for an
    /// empty histogram.
    /// </summary>
    public int?[] Percentiles(params int[] percents)
    {
        ArgumentNullException.ThrowIfNull(percents);
        var answers = new int?[percents.Length];
        if (Count == 0)
        {
            return answers;
        }

        var ranks = percents.Select(percent => Rank(percent, Count)).ToArray();
        var values = _counts.Keys.ToArray();
        Array.Sort(values);
        var seen = 0L;
        var open = percents.Length;
        foreach (var value in values)
        {
            seen += _counts[value];
            for (var i = 0; i < ranks.Length; i++)
            {
                if (answers[i] is null && seen >= ranks[i])
                {
                    answers[i] = value;
                    open--;
                }
            }

            if (open == 0)
            {
                break;
            }
        }

        return answers;
    }

    /// <summary>
    /// The nearest-rank percentile (see <see cref="Percentiles"/>) of a stored histogram of <paramref name="count"/>
    /// results, read in place: its values are stored in ascending order, so nothing needs decoding into memory.
    /// </summary>
    public static int? PercentileOfEncoded(ReadOnlySpan<byte> encoded, long count, int percent)
    {
        if (count <= 0)
        {
            return null;
        }

        if (encoded.Length == 0 || encoded[0] != Format)
        {
            throw new FormatException("Not an AmoHub latency histogram.");
        }

        var rank = Rank(percent, count);
        var position = 1;
        var value = 0L;
        var seen = 0L;
        while (position < encoded.Length)
        {
            value += ReadVarint(encoded, ref position);
            seen += ReadVarint(encoded, ref position);
            if (seen >= rank)
            {
                return (int)value;
            }
        }

        throw new FormatException("A latency histogram holds fewer results than its row counts.");
    }

    /// <summary>The 1-based rank of the nearest-rank percentile: ceil(percent × count / 100), at least 1.</summary>
    private static long Rank(int percent, long count) => percent is >= 0 and <= 100
        ? Math.Max(1, ((percent * count) + 99) / 100)
        : throw new ArgumentOutOfRangeException(nameof(percent), percent, "A percentile is 0-100.");

    private static long ReadVarint(ReadOnlySpan<byte> bytes, ref int position)
    {
        var result = 0L;
        for (var shift = 0; shift < 63; shift += 7)
        {
            if (position >= bytes.Length)
            {
                throw new FormatException("A latency histogram ends inside a number.");
            }

            var next = bytes[position++];
            result |= (long)(next & 0x7F) << shift;
            if ((next & 0x80) == 0)
            {
                return result;
            }
        }

        throw new FormatException("A latency histogram holds a number that is too long.");
    }

    private static void WriteVarint(byte[] buffer, ref int position, ulong value)
    {
        while (value >= 0x80)
        {
            buffer[position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        buffer[position++] = (byte)value;
    }
}
