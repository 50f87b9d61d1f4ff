using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.Grains.Probes;

/// <summary>
/// What a probe keeps across restarts. Written when its settings, its status or its incident change, not on every
/// result: the streak counters may lag after a restart, which costs at most a few results of debounce.
/// </summary>
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

    /// <summary>The debounced status: escalation and recovery applied.</summary>
    [Id(3)]
    public HealthStatus Status { get; set; }

    /// <summary>Why the status is what it is (an error code), null when up.</summary>
    [Id(4)]
    public string? Reason { get; set; }

    /// <summary>Warnings in a row.</summary>
    [Id(5)]
    public int WarningStreak { get; set; }

    /// <summary>Good results in a row while down.</summary>
    [Id(6)]
    public int GoodStreak { get; set; }

    /// <summary>The incident open while the check is down.</summary>
    [Id(7)]
    public OpenIncident? Incident { get; set; }

    /// <summary>Closings not yet written to <c>incidents</c> (the database was unreachable); retried on later results.</summary>
    [Id(8)]
    public List<OpenIncident> UnrecordedClosings { get; set; } = [];
}

/// <summary>An incident as its probe tracks it. <see cref="Id"/> is 0 until its row is written.</summary>
[GenerateSerializer, Alias("amohub.OpenIncident")]
public sealed record OpenIncident(
    [property: Id(0)] long Id,
    [property: Id(1)] DateTimeOffset StartedAt,
    [property: Id(2)] string? Details,
    [property: Id(3)] string? ErrorCode,
    [property: Id(4)] int? HttpStatus,
    [property: Id(5)] DateTimeOffset? EndedAt = null,
    [property: Id(6)] bool Maintenance = false);
