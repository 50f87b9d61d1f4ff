namespace AmoHub.WebApi.StatusPage;

/// <summary>The status page's stylesheet, <c>status.css</c> beside this file, embedded in the assembly.</summary>
public static class StatusPageStyles
{
    /// <summary>The stylesheet's text.</summary>
    public static string Css { get; } = Load();

    private static string Load()
    {
        using var stream = typeof(StatusPageStyles).Assembly.GetManifestResourceStream("AmoHub.WebApi.StatusPage.status.css")
            ?? throw new InvalidOperationException("The status page's stylesheet (StatusPage/status.css) is not embedded in this assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
