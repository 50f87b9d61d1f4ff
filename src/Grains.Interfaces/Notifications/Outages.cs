using System.Collections.Immutable;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Probes;
using Orleans.Concurrency;

namespace AmoHub.Grains.Interfaces.Notifications;

/// <summary>An account's incident of one check, as the check's outage tracker counts it.</summary>
[GenerateSerializer, Immutable, Alias("amohub.OutageMember")]
public sealed record OutageMember(
    [property: Id(0)] string Account,
    [property: Id(1)] long IncidentId,
    [property: Id(2)] DateTimeOffset StartedAt);

/// <summary>
/// A notifier's question when its account's DOWN alert is due: is this incident part of an outage of many accounts?
/// <see cref="Targets"/> are the fingerprints of the account's channels (never the URLs or chats themselves), so
/// each channel shared by several accounts hears of the outage once.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.OutageClaim")]
public sealed record OutageClaim(
    [property: Id(0)] OutageMember Member,
    [property: Id(1)] ImmutableArray<string> Targets);

/// <summary>
/// One outage of a check across accounts: its id (the milliseconds of its declaration), since when, how many accounts
/// are down now of how many monitored, the most that were down at once, the accounts down now (the first
/// <see cref="PlatformOutage.MaxAccountsListed"/>), and when it ended (null while under way).
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.PlatformOutage")]
public sealed record PlatformOutage(
    [property: Id(0)] CheckType CheckType,
    [property: Id(1)] long Id,
    [property: Id(2)] DateTimeOffset Since,
    [property: Id(3)] int Affected,
    [property: Id(4)] int Total,
    [property: Id(5)] int Peak,
    [property: Id(6)] ImmutableArray<string> Accounts,
    [property: Id(7)] DateTimeOffset? EndedAt)
{
    /// <summary>Most accounts an outage lists by name.</summary>
    public const int MaxAccountsListed = 20;
}

/// <summary>
/// The answer to an <see cref="OutageClaim"/>: <see cref="Outage"/> is null when the incident is the account's own
/// problem (it alerts on its own); otherwise the account's DOWN belongs to that outage, and <see cref="SpeakFor"/> are
/// the account's channels (by fingerprint) that no other account has told of it yet: the notifier tells them.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.OutageVerdict")]
public sealed record OutageVerdict(
    [property: Id(0)] PlatformOutage? Outage,
    [property: Id(1)] ImmutableArray<string> SpeakFor);

/// <summary>
/// Counts one check's incidents across all accounts and turns many at once into one outage: when at least
/// <c>GroupMinAccounts</c> accounts have an open incident of the check that began within <c>GroupWindow</c> of each
/// other, their DOWN alerts become one message per channel, kept current as accounts join or recover, and one
/// RESTORED when the last recovers. Key: <see cref="GrainKeys.Outage"/>, <c>platform/outage:{check}</c>.
/// </summary>
public interface IOutageGrain : IGrainWithStringKey
{
    /// <summary>An account's incident of this check opened (outside maintenance).</summary>
    Task JoinAsync(OutageMember member);

    /// <summary>The account's DOWN alert is due: answers whether it belongs to an outage, and which channels it tells.</summary>
    Task<OutageVerdict> ClaimAsync(OutageClaim claim);

    /// <summary>An account's incident of this check closed.</summary>
    Task LeaveAsync(OutageMember member, DateTimeOffset endedAt);

    /// <summary>The outage under way, or null.</summary>
    Task<PlatformOutage?> GetAsync();
}

/// <summary>What a notifier is told about an outage its account speaks for on some channels.</summary>
public interface IOutageListener : IGrainWithStringKey
{
    /// <summary>
    /// The outage changed (accounts joined or recovered) or ended. <paramref name="followUp"/> says a channel that
    /// cannot edit its first message may post a follow-up now; <paramref name="speakFor"/> are the channels (by
    /// fingerprint) the account tells.
    /// </summary>
    [OneWay]
    Task OutageChangedAsync(PlatformOutage outage, bool followUp, ImmutableArray<string> speakFor);
}
