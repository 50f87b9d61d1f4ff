using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.Grains.Notifications;

/// <summary>
/// What a notifier keeps: the account's settings (webhook URLs sealed), the incidents it has heard of with the
/// alerts already raised for each (so a repeated notice or a restart never raises one twice), the outbox of messages
/// not yet delivered, flapping history, per-channel counters, slow-downs under way and the alerts quiet hours hold.
/// Written before anything is sent.
/// </summary>
[GenerateSerializer, Alias("amohub.NotifierState")]
public sealed class NotifierState
{
    /// <summary>
    /// The account's settings, webhook URLs sealed by the secret protector; null until the account has any. (No shared
    /// default instance here: the JSON storage fills the existing object of a property in place.)
    /// </summary>
    [Id(0)]
    public NotificationSettings? Settings { get; set; }

    /// <summary>Open incidents, and closed ones for a while (to recognise repeated notices), by incident id.</summary>
    [Id(1)]
    public Dictionary<long, TrackedIncident> Incidents { get; set; } = [];

    /// <summary>Messages waiting for their channel, oldest first; each channel delivers in this order.</summary>
    [Id(2)]
    public List<PendingDelivery> Outbox { get; set; } = [];

    /// <summary>Recent openings and mutes of each check.</summary>
    [Id(3)]
    public Dictionary<CheckType, FlapHistory> Flaps { get; set; } = [];

    /// <summary>Counters and the last failure of each channel.</summary>
    [Id(4)]
    public Dictionary<NotificationChannel, ChannelCounters> Channels { get; set; } = [];

    /// <summary>
    /// The maintenance announcements raised (by alert key), with the end of their period, for a while after it. A start
    /// without its end is a period under way: alerts of incidents opened before it are held until it ends.
    /// </summary>
    [Id(5)]
    public Dictionary<string, DateTimeOffset> Announcements { get; set; } = [];

    /// <summary>The slow-downs under way, by check (see <see cref="SlowEpisodes"/>).</summary>
    [Id(6)]
    public Dictionary<CheckType, SlowEpisode> SlowEpisodes { get; set; } = [];

    /// <summary>Alerts the account's quiet hours hold, oldest first, until they end (see <see cref="HeldAlerts"/>).</summary>
    [Id(7)]
    public List<Alert> Held { get; set; } = [];

    /// <summary>
    /// The messages raised about outages of many accounts, by delivery id (<c>outage:GET:…:down/telegram</c>), for a
    /// while: each is raised once, and a Telegram DOWN keeps its message id so its updates edit it.
    /// </summary>
    [Id(8)]
    public Dictionary<string, OutageMessage> OutageMessages { get; set; } = [];

    /// <summary>The end of the week of the last scheduled digest queued: a week is queued once, however often it is handed over.</summary>
    [Id(10)]
    public DateTimeOffset? LastDigest { get; set; }
}

/// <summary>A message about an outage: when it was raised, and the receiver's id for it once delivered (Telegram).</summary>
[GenerateSerializer, Alias("amohub.OutageMessage")]
public sealed class OutageMessage
{
    /// <summary>When it was raised.</summary>
    [Id(0)]
    public DateTimeOffset RaisedAt { get; set; }

    /// <summary>The receiver's id of the delivered message, where it gives one to edit.</summary>
    [Id(1)]
    public long? MessageId { get; set; }
}

/// <summary>An incident as the notifier follows it, with the alerts raised for it so far.</summary>
[GenerateSerializer, Alias("amohub.TrackedIncident")]
public sealed class TrackedIncident
{
    /// <summary>The row id in <c>incidents</c>.</summary>
    [Id(0)]
    public long Id { get; set; }

    /// <summary>The check that failed.</summary>
    [Id(1)]
    public CheckType CheckType { get; set; }

    /// <summary>The first down result.</summary>
    [Id(2)]
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>The first result after recovery; null while open.</summary>
    [Id(3)]
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>The HTTP status that opened it, if any.</summary>
    [Id(4)]
    public int? HttpStatus { get; set; }

    /// <summary>The machine-readable reason.</summary>
    [Id(5)]
    public string? ErrorCode { get; set; }

    /// <summary>The error, for people.</summary>
    [Id(6)]
    public string? Error { get; set; }

    /// <summary>
    /// When its last DOWN or still-down alert was raised; null while none was (and then closing it raises no RESTORED
    /// alert).
    /// </summary>
    [Id(8)]
    public DateTimeOffset? LastAlertedAt { get; set; }

    /// <summary>How many still-down alerts were raised.</summary>
    [Id(9)]
    public int StillDownAlerts { get; set; }

    /// <summary>It opened during a maintenance window: it raises no alert at all.</summary>
    [Id(10)]
    public bool Maintenance { get; set; }

    /// <summary>The outage of many accounts its DOWN alert went into, if any: then the outage's messages speak for it.</summary>
    [Id(11)]
    public long? OutageId { get; set; }
}

/// <summary>One message for one channel, with its tries so far.</summary>
[GenerateSerializer, Immutable, Alias("amohub.PendingDelivery")]
public sealed record PendingDelivery(
    [property: Id(0)] string Id,
    [property: Id(1)] NotificationChannel Channel,
    [property: Id(2)] Alert Alert,
    [property: Id(3)] DateTimeOffset QueuedAt,
    [property: Id(4)] int Attempts,
    [property: Id(5)] DateTimeOffset NextAttemptAt);

/// <summary>A check's openings within the flapping window, and until when its alerts are muted.</summary>
[GenerateSerializer, Alias("amohub.FlapHistory")]
public sealed class FlapHistory
{
    /// <summary>Start times of the incidents opened within the window.</summary>
    [Id(0)]
    public List<DateTimeOffset> Openings { get; set; } = [];

    /// <summary>The end of the current mute, if any.</summary>
    [Id(1)]
    public DateTimeOffset? MutedUntil { get; set; }
}

/// <summary>What one channel has done.</summary>
[GenerateSerializer, Alias("amohub.ChannelCounters")]
public sealed class ChannelCounters
{
    /// <summary>Messages delivered.</summary>
    [Id(0)]
    public long Sent { get; set; }

    /// <summary>Messages given up on (too old, the channel was removed, or the receiver refused the channel).</summary>
    [Id(1)]
    public long Dropped { get; set; }

    /// <summary>The last delivery.</summary>
    [Id(2)]
    public DateTimeOffset? LastSentAt { get; set; }

    /// <summary>The last failure, described without URLs or passwords.</summary>
    [Id(3)]
    public string? LastError { get; set; }

    /// <summary>When it happened.</summary>
    [Id(4)]
    public DateTimeOffset? LastErrorAt { get; set; }

    /// <summary>Why the receiver refuses the channel for good (a bot blocked, a chat not found); null once a delivery goes through.</summary>
    [Id(5)]
    public string? Failing { get; set; }
}
