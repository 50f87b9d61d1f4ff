using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AmoHub.Tests.Infrastructure;
using YamlDotNet.Serialization;

namespace AmoHub.Tests.Deployment;

/// <summary>
/// What operators load into Prometheus and Grafana: the alert rules of <c>deploy/prometheus</c> and the dashboard
/// <c>deploy/grafana/amohub.json</c>, their PromQL expressions, and the metric names those expressions read.
/// </summary>
public static partial class MonitoringFiles
{
    /// <summary><c>deploy/prometheus</c>.</summary>
    public static readonly string PrometheusFolder = Path.Combine(RepositoryPaths.Root, "deploy", "prometheus");

    /// <summary>The plain rules file.</summary>
    public static readonly string RulesFile = Path.Combine(PrometheusFolder, "amohub-rules.yml");

    /// <summary>The Grafana dashboard.</summary>
    public static readonly string DashboardFile = Path.Combine(RepositoryPaths.Root, "deploy", "grafana", "amohub.json");

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal) { "and", "or", "unless", "offset", "bool", "inf", "nan" };

    /// <summary>The rules file as JSON.</summary>
    public static JsonNode Rules() => ReadYaml(RulesFile);

    /// <summary>The dashboard as JSON.</summary>
    public static JsonNode Dashboard() => JsonNode.Parse(File.ReadAllText(DashboardFile))!;

    /// <summary>The alert rules of every group.</summary>
    public static IEnumerable<JsonNode> AlertRules(JsonNode rules) =>
        rules["groups"]!.AsArray().SelectMany(group => group!["rules"]!.AsArray()).Select(rule => rule!);

    /// <summary>Every rule's expression.</summary>
    public static IEnumerable<string> RuleExpressions() => AlertRules(Rules()).Select(rule => (string)rule["expr"]!);

    /// <summary>
    /// Every panel query of the dashboard and the series its template variables read, with Grafana's variables
    /// replaced by values Prometheus accepts.
    /// </summary>
    public static IEnumerable<string> DashboardExpressions()
    {
        var dashboard = Dashboard();
        var panels = dashboard["panels"]!.AsArray().SelectMany(panel => (panel!["targets"]?.AsArray() ?? []).Select(target => (string)target!["expr"]!));
        var variables = dashboard["templating"]!["list"]!.AsArray()
            .Select(variable => (string?)(variable!["query"] as JsonObject)?["query"])
            .OfType<string>()
            .Select(query => LabelValues().Match(query) is { Success: true } match ? match.Groups["series"].Value : query);
        return panels.Concat(variables).Select(expression => expression
            .Replace("$__rate_interval", "5m", StringComparison.Ordinal)
            .Replace("$__range", "1h", StringComparison.Ordinal)
            .Replace("$account", ".*", StringComparison.Ordinal));
    }

    /// <summary>The metric names an expression reads: its selectors, without label matchers, ranges and groupings.</summary>
    public static IEnumerable<string> MetricNames(string expression)
    {
        var bare = QuotedString().Replace(expression, "\"\"");
        bare = Matchers().Replace(bare, "");
        bare = Ranges().Replace(bare, "");
        bare = Groupings().Replace(bare, "");
        return Identifiers().Matches(bare).Select(match => match.Value).Where(name => !Keywords.Contains(name.ToLowerInvariant())).Distinct();
    }

    /// <summary>A YAML file as JSON: every scalar a string, as Prometheus' rule files have only strings.</summary>
    public static JsonNode ReadYaml(string path)
    {
        var document = new DeserializerBuilder().Build().Deserialize<object>(File.ReadAllText(path));
        return ToJson(document) ?? throw new InvalidOperationException($"{path} is empty");
    }

    private static JsonNode? ToJson(object? value) => value switch
    {
        IDictionary<object, object?> map => new JsonObject(map.Select(pair => KeyValuePair.Create((string)pair.Key, ToJson(pair.Value)))),
        IList<object?> list => new JsonArray(list.Select(ToJson).ToArray()),
        null => null,
        _ => JsonValue.Create(value.ToString()),
    };

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex QuotedString();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Groupings();

    /// <summary>A name not inside a number or duration and not called as a function.</summary>
    [GeneratedRegex(@"(?<![\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*\b(?!\s*\()")]
    private static partial Regex Identifiers();

    [GeneratedRegex(@"^label_values\((?<series>.+),\s*\w+\)$")]
    private static partial Regex LabelValues();
}
