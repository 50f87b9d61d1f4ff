using System.Globalization;
using System.Text.Json;

namespace AmoHub.Bench;

/// <summary>One scenario's numbers, written as JSON and as a row of bench/README.md's table.</summary>
public sealed record LoadResult(
    string Scenario,
    string Settings,
    int Operations,
    int Failures,
    double Seconds,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double CpuSecondsPer1000,
    double PeakRssMiB,
    double? StorageBytesPerRecord,
    IReadOnlyDictionary<string, double> Extra)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Operations per second.</summary>
    public double Throughput => Operations / Seconds;

    /// <summary>Computes percentiles from per-operation latencies.</summary>
    public static (double P50, double P95, double P99) Percentiles(IReadOnlyList<double> latenciesMs)
    {
        ArgumentNullException.ThrowIfNull(latenciesMs);
        var sorted = latenciesMs.Order().ToArray();
        double At(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return (At(0.50), At(0.95), At(0.99));
    }

    /// <summary>The markdown table row.</summary>
    public string ToMarkdownRow() => string.Create(CultureInfo.InvariantCulture,
        $"| {Scenario} | {Settings} | {Throughput:0.#}/s | {P50Ms:0.#} | {P95Ms:0.#} | {P99Ms:0.#} | {CpuSecondsPer1000:0.###} | {PeakRssMiB:0} | {(StorageBytesPerRecord is { } b ? b.ToString("0", CultureInfo.InvariantCulture) : "–")} | {string.Join(", ", Extra.Select(e => $"{e.Key} {e.Value:0.##}"))} |");

    /// <summary>Writes <c>bench/results/{name}.json</c>, the scenario's name unless another is given.</summary>
    public async Task SaveAsync(string repository, string? name = null)
    {
        var folder = Path.Combine(repository, "bench", "results");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(
            Path.Combine(folder, $"{name ?? Scenario}.json"),
            JsonSerializer.Serialize(this, Indented));
    }
}
