namespace AmoHub.Grains.Probes;

/// <summary>What a probe keeps across restarts. Written when its settings or its status change.</summary>
[GenerateSerializer, Alias("amohub.ProbeState")]
public sealed class ProbeState
{
    /// <summary>Whether the probe runs.</summary>
    [Id(0)]
    public bool Enabled { get; set; }

    /// <summary>What and how often it checks.</summary>
    [Id(1)]
    public ProbeSettings? Settings { get; set; }

    /// <summary>The result that last changed the status.</summary>
    [Id(2)]
    public CheckResult? LastTransition { get; set; }
}
