



namespace AmoHub.Tests.Infrastructure;

/// <summary>Where the repository and the build outputs are, found from the test assembly's location.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding AmoHub.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration the tests were built with (Debug or Release).</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "AmoHub.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("AmoHub.sln was not found above the test assembly.");
    }
}
