




namespace AmoHub.Grains.Interfaces.Probes;

/// <summary>
/// Health of one check: the levels the dashboard colours. The values are stored (<c>check_results.status</c>): never
/// renumber them.
/// </summary>
public enum HealthStatus
{
    /// <summary>No result yet.</summary>
    Unknown = 0,

    /// <summary>Answered in time.</summary>
    Up = 1,

    /// <summary>Answered, but slowly or with a client error worth a look.</summary>
    Warning = 2,

    /// <summary>Did not answer, answered with a server error, or too slowly.</summary>
    Down = 3,
}

/// <summary>What a probe checks and how often.</summary>
[GenerateSerializer, Immutable, Alias("amohub.ProbeSettings")]
public sealed record ProbeSettings(
    [property: Id(0)] Uri Target,
    [property: Id(1)] TimeSpan Interval,
    [property: Id(2)] TimeSpan Timeout);

/// <summary>
/// One result of one check. <see cref="ErrorCode"/> is a short machine-readable reason for a status other than up
/// (see <see cref="CheckErrorCodes"/>); <see cref="ErrorMessage"/> says it for people.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.CheckResult")]
public sealed record CheckResult(
    [property: Id(0)] DateTimeOffset Timestamp,
    [property: Id(1)] HealthStatus Status,
    [property: Id(2)] int ResponseTimeMs,
    [property: Id(3)] int? HttpStatus,
    [property: Id(4)] string? ErrorMessage,
    [property: Id(5)] string? ErrorCode = null);

/// <summary>
/// The current state of a probe as the status API shows it: <see cref="Status"/> is the debounced status
/// (escalation and recovery applied) with its <see cref="Reason"/>, <see cref="LastResult"/> the latest result.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.ProbeStatus")]
public sealed record ProbeStatus(
    [property: Id(0)] string Account,
    [property: Id(1)] CheckType CheckType,
    [property: Id(2)] bool Enabled,
    [property: Id(3)] CheckResult? LastResult,
    [property: Id(4)] DateTimeOffset? StatusSince,
    [property: Id(5)] ProbeSettings? Settings,
    [property: Id(6)] HealthStatus Status = HealthStatus.Unknown,
    [property: Id(7)] string? Reason = null);

/// <summary>Wire names of <see cref="HealthStatus"/>: <c>unknown</c>, <c>up</c>, <c>warning</c>, <c>down</c>.</summary>
public static class HealthStatuses
{
    /// <summary>The lower-case wire name.</summary>
    public static string ToWireName(this HealthStatus status) => status switch
    {
        HealthStatus.Up => "up",
        HealthStatus.Warning => "warning",
        HealthStatus.Down => "down",
        _ => "unknown",
    };
}

/// <summary>
/// What one run of a check saw: the HTTP status if it got an answer, why it is not up if it is not, the request's
/// own response time when the check measured it itself (API checks wait for the account's budget first), and a short
/// error code (<see cref="CheckErrorCodes"/>). <c>StartedAt</c> is when the measured request went out, when that was
/// later than the check began (after the wait for a budget slot). The account grain answers API probes with one.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.CheckOutcome")]
public sealed record CheckOutcome(
    [property: Id(0)] HealthStatus Status,
    [property: Id(1)] int? HttpStatus,
    [property: Id(2)] string? ErrorMessage,
    [property: Id(3)] int? ResponseTimeMs = null,
    [property: Id(4)] string? ErrorCode = null,
    [property: Id(5)] DateTimeOffset? StartedAt = null);
