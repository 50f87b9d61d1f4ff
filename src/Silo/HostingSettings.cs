



namespace AmoHub.Silo;

/// <summary>What a silo process serves besides grains.</summary>
public enum SiloRole
{
    /// <summary>Grains, the HTTP API, the dashboard and (without real accounts) the amoCRM sandbox: one process does everything.</summary>
    AllInOne,

    /// <summary>Grains only, plus health endpoints; WebApi processes serve the API.</summary>
    Silo,
}

/// <summary>Settings under <c>AmoHub:Hosting</c>.</summary>
public sealed class HostingSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:Hosting";

    /// <summary>What this process serves.</summary>
    public SiloRole Role { get; set; } = SiloRole.AllInOne;
}
