using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AmoHub.ServiceDefaults.Telemetry;

namespace AmoHub.Grains.AmoCrm;

/// <summary>
/// amoCRM traffic on the <c>AmoHub.AmoCrm</c> meter: requests sent and 429s received per account, and each active
/// account's request budget in use (requests in flight or answered within the last second) against its limit.
/// </summary>
public static class AmoCrmMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "AmoHub.AmoCrm";

    private static readonly ConcurrentDictionary<string, RequestBudget> Budgets = new(StringComparer.Ordinal);

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Requests = Meter.CreateCounter<long>(
        "amohub.amocrm.requests", unit: "{request}", description: "Requests AmoHub sent to amoCRM");

    private static readonly Counter<long> RateLimited = Meter.CreateCounter<long>(
        "amohub.amocrm.rate_limited", unit: "{response}", description: "amoCRM answers 429 Too Many Requests");

    private static readonly ObservableGauge<int> BudgetInUse = Meter.CreateObservableGauge(
        "amohub.amocrm.budget.in_use", () => AccountLabels.Current.Measure(Budgets.Select(pair => (pair.Key, pair.Value.InLastSecond)), (a, b) => a + b),
        unit: "{request}", description: "An account's amoCRM requests in flight or answered within the last second");

    private static readonly ObservableGauge<int> BudgetLimit = Meter.CreateObservableGauge(
        "amohub.amocrm.budget.limit", () => AccountLabels.Current.Measure(Budgets.Select(pair => (pair.Key, pair.Value.PerSecond)), (a, b) => a + b),
        unit: "{request}", description: "An account's amoCRM requests per second");

    /// <summary>
    /// Shows <paramref name="budget"/> as <paramref name="account"/>'s while its grain is active, and starts the
    /// account's counters at 0, so a first request or 429 is an increase a rate sees rather than a series that appears.
    /// </summary>
    public static void Track(string account, RequestBudget budget)
    {
        Budgets[account] = budget;
        Requests.Add(0, AccountLabels.Current.Tag(account));
        RateLimited.Add(0, AccountLabels.Current.Tag(account));
    }

    /// <summary>Stops showing <paramref name="budget"/> (a newer activation's budget stays).</summary>
    public static void Untrack(string account, RequestBudget budget) => Budgets.TryRemove(KeyValuePair.Create(account, budget));

    /// <summary>Counts a request sent for <paramref name="account"/>.</summary>
    public static void CountRequest(string account) => Requests.Add(1, AccountLabels.Current.Tag(account));

    /// <summary>Counts a 429 amoCRM answered <paramref name="account"/>.</summary>
    public static void CountRateLimited(string account) => RateLimited.Add(1, AccountLabels.Current.Tag(account));
}
