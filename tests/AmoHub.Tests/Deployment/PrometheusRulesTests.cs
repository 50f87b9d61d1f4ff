using System.Text.Json.Nodes;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Deployment;

/// <summary>
/// The alert rules of <c>deploy/prometheus</c>: Prometheus' own tool accepts them, each passes its unit tests, and
/// the PrometheusRule of the kustomize component carries the same groups. promtool missing fails these tests:
/// ./test.sh installs it (Debian's prometheus package).
/// </summary>
public sealed class PrometheusRulesTests
{
    private static readonly string Folder = MonitoringFiles.PrometheusFolder;
    private static readonly string RulesFile = MonitoringFiles.RulesFile;

    [Fact]
    public async Task Promtool_accepts_the_rules_file()
    {
        var checkedRules = await ExternalTool.RunAsync("promtool", ["check", "rules", RulesFile], Folder, null);
        Assert.True(checkedRules.ExitCode == 0, $"promtool check rules failed:\n{checkedRules.Output}{checkedRules.Error}");
    }

    [Fact]
    public async Task Every_alert_fires_when_it_should_and_not_when_it_should_not()
    {
        var tests = Directory.GetFiles(Path.Combine(Folder, "tests"), "*.yml").Order(StringComparer.Ordinal).ToArray();
        var result = await ExternalTool.RunAsync("promtool", ["test", "rules", .. tests], Folder, null);
        Assert.True(result.ExitCode == 0, $"promtool test rules failed:\n{result.Output}{result.Error}");

        var tested = string.Concat(tests.Select(File.ReadAllText));
        var untested = Alerts(MonitoringFiles.Rules()).Where(alert => !tested.Contains($"alertname: {alert}\n", StringComparison.Ordinal)).ToList();
        Assert.True(untested.Count == 0, $"alerts without a promtool test: {string.Join(", ", untested)}");
    }

    [Fact]
    public async Task The_PrometheusRule_of_the_component_has_the_groups_of_the_rules_file()
    {
        var manifests = await RenderedManifests.RenderAsync("prod");
        var rule = manifests.Named("PrometheusRule", "amohub");
        var plain = MonitoringFiles.Rules();
        Assert.True(
            JsonNode.DeepEquals(plain["groups"], rule["spec"]!["groups"]),
            "deploy/k8s/components/prometheus-rules/prometheus-rule.yaml and deploy/prometheus/amohub-rules.yml differ: change both");
        Assert.NotEmpty(Alerts(plain));
    }

    private static IEnumerable<string> Alerts(JsonNode rules) => MonitoringFiles.AlertRules(rules).Select(rule => (string)rule["alert"]!);
}
