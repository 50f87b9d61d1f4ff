



namespace AmoHub.Tests.Infrastructure;

/// <summary>
/// Tests that load the machine heavily (several AmoHub processes, a database killed under load, thousands of
/// requests) run one class at a time with nothing beside them, so the timing-sensitive tests that run in parallel
/// are not starved by them and they are not starved by each other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    /// <summary>The collection's name.</summary>
    public const string Name = "runs alone";
}
