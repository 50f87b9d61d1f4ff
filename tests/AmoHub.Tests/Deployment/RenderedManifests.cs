using System.Text.Json.Nodes;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Deployment;

/// <summary>
/// A kustomize overlay of <c>deploy/k8s</c> rendered by <c>kubectl kustomize</c> and validated against the
/// Kubernetes schemas by <c>deploy/k8s/validate</c> (kubernetes-models); the objects, for the tests' own checks.
/// </summary>
public sealed class RenderedManifests
{
    private RenderedManifests(IReadOnlyList<JsonObject> objects) => Objects = objects;

    /// <summary>Every rendered object.</summary>
    public IReadOnlyList<JsonObject> Objects { get; }

    /// <summary>The objects of one kind.</summary>
    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => (string?)o["kind"] == kind);

    /// <summary>The object of a kind with a name.</summary>
    public JsonObject Named(string kind, string name) =>
        OfKind(kind).SingleOrDefault(o => Name(o) == name) ?? throw new InvalidOperationException($"no {kind} {name} rendered");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<RenderedManifests>>> Rendered = new();

    /// <summary>Renders and validates an overlay once per test run; fails with the tools' messages when either refuses it.</summary>
    public static Task<RenderedManifests> RenderAsync(string overlay) =>
        Rendered.GetOrAdd(overlay, name => new Lazy<Task<RenderedManifests>>(() => RenderOnceAsync(name))).Value;

    private static async Task<RenderedManifests> RenderOnceAsync(string overlay)
    {
        var k8s = Path.Combine(RepositoryPaths.Root, "deploy", "k8s");
        var validator = Path.Combine(k8s, "validate");
        var installed = Path.Combine(validator, "node_modules", ".package-lock.json");
        if (!File.Exists(installed) || File.GetLastWriteTimeUtc(installed) < File.GetLastWriteTimeUtc(Path.Combine(validator, "package-lock.json")))
        {
            var install = await ExternalTool.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], validator, null);
            Assert.True(install.ExitCode == 0, $"npm ci in deploy/k8s/validate failed:\n{install.Error}");
        }

        var rendered = await ExternalTool.RunAsync("kubectl", ["kustomize", Path.Combine(k8s, "overlays", overlay)], k8s, null);
        Assert.True(rendered.ExitCode == 0, $"kubectl kustomize {overlay} failed:\n{rendered.Error}");
        var validated = await ExternalTool.RunAsync("node", ["validate.mjs"], validator, rendered.Output);
        Assert.True(validated.ExitCode == 0, $"the {overlay} manifests do not match the Kubernetes schemas:\n{validated.Error}");
        var objects = JsonNode.Parse(validated.Output)!.AsArray().Select(node => node!.AsObject()).ToList();
        return new RenderedManifests(objects);
    }

    /// <summary><c>metadata.name</c>.</summary>
    public static string Name(JsonNode node) => (string)node["metadata"]!["name"]!;
}
