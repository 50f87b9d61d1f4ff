using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;

namespace AmoHub.ServiceDefaults.Telemetry;

/// <summary>
/// Settings under <c>AmoHub:Telemetry:AccountLabels</c>: which accounts get series of their own in the metrics
/// that carry an <c>account</c> label. Every series is kept by Prometheus, so thousands of accounts would be
/// thousands of series per metric and check; beyond these accounts the label is <see cref="AccountLabels.Other"/>.
/// </summary>
public sealed partial class AccountLabelSettings : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:Telemetry:AccountLabels";

    /// <summary>Accounts, besides <see cref="Accounts"/>, that get series of their own: the first to appear.</summary>
    [Range(0, 10_000)]
    public int Max { get; set; } = 100;

    /// <summary>Accounts (subdomains) that always get series of their own.</summary>
    public List<string> Accounts { get; set; } = [];

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Accounts.Count; i++)
        {
            if (!Subdomain().IsMatch(Accounts[i] ?? ""))
            {
                yield return new ValidationResult("must be an account's subdomain (lower-case letters, digits and hyphens).", [$"{nameof(Accounts)}:{i}"]);
            }
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex Subdomain();
}

/// <summary>
/// The value of the <c>account</c> label of AmoHub's metrics: the account itself when it is allowed a series of its
/// own (<see cref="AccountLabelSettings"/>), else <see cref="Other"/>, the aggregate of the rest. The first
/// <see cref="AccountLabelSettings.Max"/> accounts to appear keep their label for the life of the process.
/// </summary>
public sealed class AccountLabels
{
    /// <summary>The label of every account beyond the bound; no subdomain has an underscore, so none is mistaken for it.</summary>
    public const string Other = "_other";

    private readonly HashSet<string> _allowed;
    private readonly int _max;
    private readonly ConcurrentDictionary<string, bool> _labelled = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Labels by <paramref name="settings"/>.</summary>
    public AccountLabels(AccountLabelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _allowed = new HashSet<string>(settings.Accounts, StringComparer.Ordinal);
        _max = settings.Max;
    }

    /// <summary>The labels of this process, set at start-up from its settings; the defaults until then.</summary>
    public static AccountLabels Current { get; private set; } = new(new AccountLabelSettings());

    /// <summary>Makes <paramref name="labels"/> this process's labels.</summary>
    public static void Use(AccountLabels labels) => Current = labels ?? throw new ArgumentNullException(nameof(labels));

    /// <summary>The <c>account</c> label of <paramref name="account"/>'s measurements.</summary>
    public KeyValuePair<string, object?> Tag(string account) => new("account", For(account));

    /// <summary>
    /// An observable gauge's measurements of per-account values, one per label: the values of the accounts under
    /// <see cref="Other"/> are <paramref name="combine"/>d (summed, or the largest taken).
    /// </summary>
    public IEnumerable<Measurement<T>> Measure<T>(IEnumerable<(string Account, T Value)> values, Func<T, T, T> combine)
        where T : struct =>
        values.GroupBy(value => For(value.Account), StringComparer.Ordinal)
            .Select(group => new Measurement<T>(group.Select(value => value.Value).Aggregate(combine), new KeyValuePair<string, object?>("account", group.Key)));

    /// <summary>The label value of <paramref name="account"/>: itself or <see cref="Other"/>.</summary>
    public string For(string account)
    {
        if (_allowed.Contains(account) || _labelled.ContainsKey(account))
        {
            return account;
        }

        lock (_gate)
        {
            if (_labelled.Count < _max)
            {
                _labelled.TryAdd(account, true);
                return account;
            }
        }

        return Other;
    }
}
