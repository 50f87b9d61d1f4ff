using System.Collections.Immutable;
using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.Grains.Interfaces.Notifications;

/// <summary>The ways an account's notifier reaches people.</summary>
public enum NotificationChannel
{
    /// <summary>A Mattermost incoming webhook.</summary>
    Mattermost,

    /// <summary>Email over the deployment's SMTP server.</summary>
    Email,

    /// <summary>A POST of a JSON document to any URL.</summary>
    Webhook,

    /// <summary>A Telegram chat (or a topic of one), through the deployment's bot.</summary>
    Telegram,
}

/// <summary>
/// Wire names of <see cref="NotificationChannel"/>: <c>mattermost</c>, <c>email</c>, <c>webhook</c>, <c>telegram</c>.
/// </summary>
public static class NotificationChannels
{
    /// <summary>The lower-case wire name.</summary>
    public static string ToWireName(this NotificationChannel channel) => channel switch
    {
        NotificationChannel.Mattermost => "mattermost",
        NotificationChannel.Email => "email",
        NotificationChannel.Webhook => "webhook",
        NotificationChannel.Telegram => "telegram",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, null),
    };
}

/// <summary>
/// An account's Mattermost settings. Without a <see cref="WebhookUrl"/> the deployment's default webhook is used;
/// <see cref="Enabled"/> false turns Mattermost off for the account even when there is a default.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.MattermostTarget")]
public sealed record MattermostTarget(
    [property: Id(0)] bool Enabled,
    [property: Id(1)] string? WebhookUrl,
    [property: Id(2)] string? Channel);

/// <summary>Who gets an account's alerts by email.</summary>
[GenerateSerializer, Immutable, Alias("amohub.EmailTarget")]
public sealed record EmailTarget([property: Id(0)] ImmutableArray<string> Recipients);

/// <summary>Where an account's alerts are POSTed as JSON.</summary>
[GenerateSerializer, Immutable, Alias("amohub.WebhookTarget")]
public sealed record WebhookTarget([property: Id(0)] string Url);

/// <summary>
/// The Telegram chat an account's alerts go to through the deployment's bot: a chat id (<c>-100…</c> for a group or
/// channel, or <c>@channelname</c>) and, in a group with topics, the topic's <c>message_thread_id</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.TelegramTarget")]
public sealed record TelegramTarget(
    [property: Id(0)] string ChatId,
    [property: Id(1)] int? TopicId);

/// <summary>
/// An account's quiet hours: from <see cref="From"/> to <see cref="To"/> (<c>HH:mm</c> on the account's clock; they may
/// cross midnight, as 22:00 to 08:00 does) alerts about checks other than the critical ones are held, and go out when
/// the quiet hours end. <see cref="Critical"/> names the checks that alert anyway (wire names such as <c>DP</c>);
/// null: the deployment's <c>AmoHub:Notifications:CriticalChecks</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.QuietHours")]
public sealed record QuietHours(
    [property: Id(0)] string From,
    [property: Id(1)] string To,
    [property: Id(2)] ImmutableArray<string>? Critical = null);

/// <summary>
/// An account's notification settings. <see cref="Language"/> is <c>ru</c> or <c>en</c> (null: the deployment's
/// default); <see cref="TimeZone"/> is the IANA zone the account's people live in (null: the deployment's), for the
/// times in its alerts and for whatever follows the account's clock (its <see cref="QuietHours"/> and
/// <see cref="Digest"/>, its weekly digest; null: the deployment's default); <see cref="SlowAlerts"/> turns slow-down
/// alerts on or off for the account (null: the deployment's default). Webhook URLs carry their token in the path, so the notifier stores them protected and hands them back
/// masked (<c>https://host/***</c>); writing a masked URL back keeps the stored one.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.NotificationSettings")]
public sealed record NotificationSettings(
    [property: Id(0)] string? Language,
    [property: Id(1)] MattermostTarget? Mattermost,
    [property: Id(2)] EmailTarget? Email,
    [property: Id(3)] WebhookTarget? Webhook,
    [property: Id(4)] TelegramTarget? Telegram = null,
    [property: Id(5)] string? TimeZone = null,
    [property: Id(6)] QuietHours? QuietHours = null,
    [property: Id(7)] bool? SlowAlerts = null,
    [property: Id(8)] DigestSettings? Digest = null);

/// <summary>
/// An account's weekly digest: whether it is sent, and when, as a five-field cron expression read in the account's
/// time zone (null: the deployment's <c>AmoHub:Notifications:Digest:Cron</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.DigestSettings")]
public sealed record DigestSettings(
    [property: Id(0)] bool Enabled,
    [property: Id(1)] string? Cron);

/// <summary>
/// The answer to a settings change: the stored settings (masked), or the problems with the request by field
/// (<c>mattermost.webhookUrl</c>, <c>email.recipients[0]</c>, …), in which case nothing was stored.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.NotificationUpdate")]
public sealed record NotificationUpdate(
    [property: Id(0)] NotificationSettings? Settings,
    [property: Id(1)] IReadOnlyDictionary<string, string[]> Errors);

/// <summary>
/// How one channel of a notifier is doing. Errors never hold a URL, a token or a password. <see cref="Failing"/> is
/// set while the receiver refuses the channel for good (a Telegram bot blocked, or a chat not found): no retry can
/// help until someone fixes it there, and the next delivery that goes through clears it.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.ChannelStatus")]
public sealed record ChannelStatus(
    [property: Id(0)] NotificationChannel Channel,
    [property: Id(1)] bool Configured,
    [property: Id(2)] int Pending,
    [property: Id(3)] long Sent,
    [property: Id(4)] long Dropped,
    [property: Id(5)] DateTimeOffset? LastSentAt,
    [property: Id(6)] string? LastError,
    [property: Id(7)] DateTimeOffset? LastErrorAt,
    [property: Id(8)] DateTimeOffset? NextAttemptAt,
    [property: Id(9)] string? Failing = null);

/// <summary>A check whose alerts are muted because it flapped.</summary>
[GenerateSerializer, Immutable, Alias("amohub.MutedCheck")]
public sealed record MutedCheck(
    [property: Id(0)] CheckType CheckType,
    [property: Id(1)] DateTimeOffset Until);

/// <summary>
/// What an account's notifier is doing: messages waiting, sent, and the last failure of each channel;
/// <see cref="QuietUntil"/> is the end of the account's quiet hours while they are on, and <see cref="Held"/> the
/// alerts they hold until then.
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.NotifierStatus")]
public sealed record NotifierStatus(
    [property: Id(0)] string Account,
    [property: Id(1)] int OpenIncidents,
    [property: Id(2)] ImmutableArray<MutedCheck> Muted,
    [property: Id(3)] ImmutableArray<ChannelStatus> Channels,
    [property: Id(4)] DateTimeOffset? QuietUntil = null,
    [property: Id(5)] int Held = 0)
{
    /// <summary>Messages waiting on any channel.</summary>
    public int Pending => Channels.Sum(channel => channel.Pending);

    /// <summary>Messages delivered on any channel.</summary>
    public long Sent => Channels.Sum(channel => channel.Sent);
}

/// <summary>The outcome of a test message on one channel.</summary>
[GenerateSerializer, Immutable, Alias("amohub.ChannelTestResult")]
public sealed record ChannelTestResult(
    [property: Id(0)] NotificationChannel Channel,
    [property: Id(1)] bool Delivered,
    [property: Id(2)] string? Error);
