using System.Text.Json.Nodes;

namespace AmoHub.Tests.Deployment;

/// <summary>
/// The overlays in <c>deploy/k8s</c> render, every object validates against the Kubernetes schemas, and the
/// rendered workloads keep the project's own rules.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string[] Workloads = ["Deployment", "StatefulSet", "Job", "CronJob"];

    public static TheoryData<string> Overlays => new() { "dev", "prod" };

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Every_container_has_probes_requests_limits_a_non_root_user_and_a_read_only_root(string overlay)
    {
        var manifests = await RenderedManifests.RenderAsync(overlay);
        var workloads = manifests.Objects.Where(o => Workloads.Contains((string?)o["kind"])).ToList();
        Assert.NotEmpty(workloads);
        foreach (var workload in workloads)
        {
            var kind = (string)workload["kind"]!;
            var pod = (kind == "CronJob" ? workload["spec"]!["jobTemplate"]!["spec"]! : workload["spec"]!)["template"]!["spec"]!;
            var containers = pod["containers"]!.AsArray().Concat(pod["initContainers"]?.AsArray() ?? []).Select(c => c!).ToList();
            foreach (var container in containers)
            {
                var where = $"{overlay}: {kind} {RenderedManifests.Name(workload)} container {container["name"]}";
                if (kind is not ("Job" or "CronJob"))
                {
                    Assert.True(container["livenessProbe"] is JsonObject, $"{where} has no liveness probe");
                    Assert.True(container["readinessProbe"] is JsonObject, $"{where} has no readiness probe");
                }

                foreach (var bound in new[] { "requests", "limits" })
                {
                    foreach (var resource in new[] { "cpu", "memory" })
                    {
                        Assert.True(container["resources"]?[bound]?[resource] is not null, $"{where} has no {bound}.{resource}");
                    }
                }

                var security = container["securityContext"];
                Assert.True((bool?)security?["readOnlyRootFilesystem"] == true, $"{where} may write its root filesystem");
                Assert.True((bool?)security?["allowPrivilegeEscalation"] == false, $"{where} may escalate privileges");
                Assert.True(((bool?)security?["runAsNonRoot"] ?? (bool?)pod["securityContext"]?["runAsNonRoot"]) == true, $"{where} may run as root");
                Assert.True((long?)(security?["runAsUser"] ?? pod["securityContext"]?["runAsUser"]) is > 0, $"{where} names no non-root user id");
                Assert.Contains("ALL", security?["capabilities"]?["drop"]?.AsArray().Select(c => (string?)c) ?? [], StringComparer.Ordinal);

                var image = (string)container["image"]!;
                var tag = image.Contains(':', StringComparison.Ordinal) ? image[(image.LastIndexOf(':') + 1)..] : "";
                Assert.True(tag.Length > 0 && tag != "latest" && !tag.Contains('/', StringComparison.Ordinal), $"{where} image {image} has no fixed tag");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Every_Deployment_and_StatefulSet_has_a_PodDisruptionBudget_selecting_its_pods(string overlay)
    {
        var manifests = await RenderedManifests.RenderAsync(overlay);
        var budgets = manifests.OfKind("PodDisruptionBudget").ToList();
        foreach (var workload in manifests.Objects.Where(o => (string?)o["kind"] is "Deployment" or "StatefulSet"))
        {
            var labels = workload["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
            Assert.True(
                budgets.Any(budget => Selects(budget["spec"]!["selector"]!["matchLabels"]!.AsObject(), labels)),
                $"{overlay}: {workload["kind"]} {RenderedManifests.Name(workload)} has no PodDisruptionBudget");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Silos_run_Kubernetes_hosting_with_the_pod_labels_and_the_RBAC_it_needs(string overlay)
    {
        var manifests = await RenderedManifests.RenderAsync(overlay);
        var silo = manifests.Named("Deployment", "amohub-silo");
        var template = silo["spec"]!["template"]!;
        var labels = template["metadata"]!["labels"]!;
        Assert.Equal("amohub", (string?)labels["orleans/serviceId"]);
        Assert.Equal("amohub", (string?)labels["orleans/clusterId"]);
        var env = Environment(template["spec"]!["containers"]![0]!);
        foreach (var variable in new[] { "POD_NAME", "POD_NAMESPACE", "POD_IP", "ORLEANS_SERVICE_ID", "ORLEANS_CLUSTER_ID" })
        {
            Assert.True(env.ContainsKey(variable), $"{overlay}: the silo lacks {variable}");
        }

        Assert.Equal("External", (string?)env["AmoHub__Storage__Migrations"]!["value"]);
        Assert.Equal("metadata.labels['orleans/serviceId']", (string?)env["ORLEANS_SERVICE_ID"]!["valueFrom"]!["fieldRef"]!["fieldPath"]);

        var account = (string)template["spec"]!["serviceAccountName"]!;
        var binding = manifests.OfKind("RoleBinding").Single(b => b["subjects"]!.AsArray().Any(s => (string?)s!["kind"] == "ServiceAccount" && (string?)s["name"] == account));
        Assert.All(binding["subjects"]!.AsArray(), subject => Assert.Equal((string?)silo["metadata"]!["namespace"], (string?)subject!["namespace"]));
        var role = manifests.Named("Role", (string)binding["roleRef"]!["name"]!);
        var podRule = role["rules"]!.AsArray().Single(rule => rule!["resources"]!.AsArray().Any(r => (string?)r == "pods"))!;
        Assert.Superset(new HashSet<string> { "get", "list", "watch", "patch" }, podRule["verbs"]!.AsArray().Select(v => (string)v!).ToHashSet());
        Assert.NotNull(manifests.Named("ServiceAccount", account));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task The_backup_CronJob_dumps_one_consistent_snapshot_daily_onto_its_claim_keeps_seven_and_takes_the_password_from_the_Secret(string overlay)
    {
        var manifests = await RenderedManifests.RenderAsync(overlay);
        var cron = manifests.Named("CronJob", "amohub-backup");
        Assert.Equal("30 2 * * *", (string?)cron["spec"]!["schedule"]);
        Assert.Equal("Forbid", (string?)cron["spec"]!["concurrencyPolicy"]);
        var pod = cron["spec"]!["jobTemplate"]!["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        var script = string.Join('\n', container["args"]!.AsArray().Select(a => (string?)a));
        Assert.Contains("mysqldump --single-transaction", script, StringComparison.Ordinal);
        Assert.Contains("tail -n +8", script, StringComparison.Ordinal);
        Assert.DoesNotContain("password", script, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("backup-password", (string?)Environment(container)["MYSQL_PWD"]!["valueFrom"]!["secretKeyRef"]!["key"]);
        var claim = pod["volumes"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == "backups")!["persistentVolumeClaim"]!["claimName"]!.GetValue<string>();
        Assert.Equal(claim, RenderedManifests.Name(manifests.Named("PersistentVolumeClaim", claim)));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task The_migration_Job_runs_the_silo_image_in_migrate_mode_with_the_schema_user(string overlay)
    {
        var manifests = await RenderedManifests.RenderAsync(overlay);
        var job = manifests.Named("Job", "amohub-migrate");
        var container = job["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var silo = manifests.Named("Deployment", "amohub-silo")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal((string?)silo["image"], (string?)container["image"]);
        Assert.Equal(["--migrate"], container["args"]!.AsArray().Select(a => (string?)a));
        Assert.Equal("migrate-connection-string", (string?)Environment(container)["AmoHub__Storage__ConnectionString"]!["valueFrom"]!["secretKeyRef"]!["key"]);
    }

    [Theory]
    [InlineData("dev", new[] { "amohub-tls" })]
    [InlineData("prod", new[] { "amohub-database", "amohub-tls" })]
    public async Task Only_the_documented_Secrets_are_left_for_the_operator_to_create(string overlay, string[] external)
    {
        var manifests = await RenderedManifests.RenderAsync(overlay);
        var rendered = manifests.OfKind("Secret").Select(RenderedManifests.Name).ToHashSet();
        var referenced = new HashSet<string>();
        foreach (var node in Descendants(new JsonArray([.. manifests.Objects.Select(o => o.DeepClone())])))
        {
            if (node["secretKeyRef"]?["name"] is JsonValue keyRef)
            {
                referenced.Add((string)keyRef!);
            }

            if (node["secretRef"] is JsonObject secretRef && (bool?)secretRef["optional"] != true)
            {
                referenced.Add((string)secretRef["name"]!);
            }

            if (node["secretName"] is JsonValue secretName)
            {
                referenced.Add((string)secretName!);
            }
        }

        Assert.Equal(external.Order(StringComparer.Ordinal), referenced.Except(rendered).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task SIGTERM_has_time_to_drain_and_the_ingress_serves_TLS(string overlay)
    {
        var manifests = await RenderedManifests.RenderAsync(overlay);
        var settings = manifests.OfKind("ConfigMap").Single(c => RenderedManifests.Name(c).StartsWith("amohub-settings", StringComparison.Ordinal));
        var shutdown = TimeSpan.Parse((string)settings["data"]!["AmoHub__Hosting__ShutdownTimeout"]!, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var name in new[] { "amohub-silo", "amohub-webapi" })
        {
            var grace = (long)manifests.Named("Deployment", name)["spec"]!["template"]!["spec"]!["terminationGracePeriodSeconds"]!;
            Assert.True(grace > shutdown.TotalSeconds + 5, $"{overlay}: {name} gets {grace} s to stop, the drain takes up to {shutdown.TotalSeconds} s");
        }

        var ingress = manifests.Named("Ingress", "amohub");
        var tlsHosts = ingress["spec"]!["tls"]!.AsArray().SelectMany(t => t!["hosts"]!.AsArray().Select(h => (string?)h)).ToHashSet();
        Assert.All(ingress["spec"]!["rules"]!.AsArray(), rule => Assert.Contains((string?)rule!["host"], tlsHosts));
        var hpa = manifests.Named("HorizontalPodAutoscaler", "amohub-webapi");
        Assert.Equal("amohub-webapi", (string?)hpa["spec"]!["scaleTargetRef"]!["name"]);
    }

    [Fact]
    public async Task Dev_runs_MySQL_on_a_volume_and_prod_uses_an_external_database()
    {
        var dev = await RenderedManifests.RenderAsync("dev");
        var prod = await RenderedManifests.RenderAsync("prod");

        var mysql = dev.Named("StatefulSet", "amohub-mysql");
        Assert.Equal("data", (string?)mysql["spec"]!["volumeClaimTemplates"]![0]!["metadata"]!["name"]);
        Assert.NotNull(dev.Named("NetworkPolicy", "amohub-mysql"));
        Assert.Empty(prod.OfKind("StatefulSet"));
        Assert.All([dev, prod], manifests => Assert.Contains(manifests.OfKind("NetworkPolicy"), policy => RenderedManifests.Name(policy) == "amohub-default-deny-ingress"));
    }

    private static Dictionary<string, JsonNode> Environment(JsonNode container) =>
        container["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => e!);

    private static bool Selects(JsonObject selector, JsonObject labels) =>
        selector.All(pair => (string?)labels[pair.Key] == (string?)pair.Value);

    private static IEnumerable<JsonObject> Descendants(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                yield return obj;
                foreach (var child in obj.Select(pair => pair.Value).OfType<JsonNode>().SelectMany(Descendants))
                {
                    yield return child;
                }

                break;
            case JsonArray array:
                foreach (var child in array.OfType<JsonNode>().SelectMany(Descendants))
                {
                    yield return child;
                }

                break;
        }
    }
}
