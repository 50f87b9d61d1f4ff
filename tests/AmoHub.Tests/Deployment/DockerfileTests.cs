using System.Text.RegularExpressions;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Deployment;

/// <summary>
/// Static checks of the images' Dockerfiles (no Docker engine runs here, so they are not built by the tests):
/// multi-stage, pinned bases, the dashboard's Node.js in the build stage, a non-root runtime user, and paths that
/// exist in the repository.
/// </summary>
public sealed partial class DockerfileTests
{
    [Theory]
    [InlineData("silo", "Silo")]
    [InlineData("webapi", "WebApi")]
    public void The_Dockerfile_builds_in_an_SDK_stage_with_Node_and_runs_pinned_ASP_NET_as_a_non_root_user(string image, string project)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "deploy", "docker", $"{image}.Dockerfile"))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToList();
        var stages = lines.Select((line, index) => (line, index)).Where(pair => pair.line.StartsWith("FROM ", StringComparison.Ordinal)).ToList();

        Assert.True(stages.Count >= 2, "the image is built in stages");
        foreach (var (from, _) in stages)
        {
            var match = FromLine().Match(from);
            Assert.True(match.Success, $"'{from}' names no stage");
            var tag = match.Groups["tag"].Value;
            Assert.True(VersionTag().IsMatch(tag), $"'{from}' is not pinned to an exact version");
        }

        var runtime = stages[^1];
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:", runtime.line, StringComparison.Ordinal);
        var build = stages.Single(stage => stage.line.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:", StringComparison.Ordinal));
        var buildLines = lines.Skip(build.index).TakeWhile(line => line != runtime.line).ToList();
        Assert.Contains(buildLines, line => line.Contains("npm", StringComparison.Ordinal));
        Assert.Contains(buildLines, line => line.Contains($"dotnet publish src/{project}/AmoHub.{project}.csproj", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "src", project, $"AmoHub.{project}.csproj")));

        var runtimeLines = lines.Skip(runtime.index).ToList();
        var user = runtimeLines.Last(line => line.StartsWith("USER ", StringComparison.Ordinal))["USER ".Length..].Split(':')[0];
        Assert.True(int.TryParse(user, out var uid) && uid > 0, $"the runtime user '{user}' is not a numeric non-root id (Kubernetes' runAsNonRoot needs a number)");
        Assert.Equal($"ENTRYPOINT [\"dotnet\", \"AmoHub.{project}.dll\"]", runtimeLines.Last(line => line.StartsWith("ENTRYPOINT", StringComparison.Ordinal)));
        Assert.Contains(runtimeLines, line => line.Contains("8080", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("webapi")]
    public void The_Kubernetes_pods_run_as_the_image_user(string image)
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "deploy", "docker", $"{image}.Dockerfile"));
        var manifest = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "deploy", "k8s", "base", $"{image}.yaml"));
        var user = UserLine().Match(dockerfile).Groups["uid"].Value;

        Assert.Contains($"runAsUser: {user}", manifest, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^FROM (?<image>[^\s:@]+):(?<tag>\S+) AS \w+$")]
    private static partial Regex FromLine();

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[a-z0-9.-]+)?$")]
    private static partial Regex VersionTag();

    [GeneratedRegex(@"^USER (?<uid>\d+)", RegexOptions.Multiline)]
    private static partial Regex UserLine();
}
