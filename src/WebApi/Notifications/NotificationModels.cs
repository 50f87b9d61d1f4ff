using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.WebApi.Notifications;

/// <summary>
/// An account's notification settings as the API reads and writes them. Webhook URLs come back masked
/// (<c>https://host/***</c>); writing a masked URL back keeps the stored one. <see cref="TimeZone"/> is the
/// account's IANA time zone (<c>Europe/Moscow</c>; left out: the deployment's), <see cref="QuietHours"/> its quiet
/// hours on that clock, <see cref="SlowAlerts"/> turns slow-down alerts on or off (left out: the deployment's), and
/// <see cref="Digest"/> is its weekly digest (left out: the deployment's <c>AmoHub:Notifications:Digest</c>).
/// </summary>
public sealed record NotificationSettingsBody(
    string? Language,
    MattermostBody? Mattermost,
    EmailBody? Email,
    WebhookBody? Webhook,
    TelegramBody? Telegram = null,
    string? TimeZone = null,
    QuietHoursBody? QuietHours = null,
    bool? SlowAlerts = null,
    DigestBody? Digest = null)
{
    /// <summary>The settings for the notifier grain.</summary>
    public NotificationSettings ToSettings() => new(
        Language,
        Mattermost is { } mattermost ? new MattermostTarget(mattermost.Enabled, mattermost.WebhookUrl, mattermost.Channel) : null,
        Email is { } email ? new EmailTarget([.. email.Recipients ?? []]) : null,
        Webhook is { } webhook ? new WebhookTarget(webhook.Url ?? "") : null,
        Telegram is { } telegram ? new TelegramTarget(telegram.ChatId ?? "", telegram.TopicId) : null,
        TimeZone,
        QuietHours is { } quiet ? new QuietHours(quiet.From ?? "", quiet.To ?? "", quiet.Critical is { } critical ? [.. critical] : null) : null,
        SlowAlerts,
        Digest is { } digest ? new DigestSettings(digest.Enabled, digest.Cron) : null);

    /// <summary>The body for the notifier's (masked) settings.</summary>
    public static NotificationSettingsBody From(NotificationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new(
            settings.Language,
            settings.Mattermost is { } mattermost ? new MattermostBody(mattermost.WebhookUrl, mattermost.Channel, mattermost.Enabled) : null,
            settings.Email is { } email ? new EmailBody([.. email.Recipients]) : null,
            settings.Webhook is { } webhook ? new WebhookBody(webhook.Url) : null,
            settings.Telegram is { } telegram ? new TelegramBody(telegram.ChatId, telegram.TopicId) : null,
            settings.TimeZone,
            settings.QuietHours is { } quiet ? new QuietHoursBody(quiet.From, quiet.To, quiet.Critical is { } critical ? [.. critical] : null) : null,
            settings.SlowAlerts,
            settings.Digest is { } digest ? new DigestBody(digest.Enabled, digest.Cron) : null);
    }
}

/// <summary>
/// Quiet hours: from and to (<c>HH:mm</c> on the account's clock, may cross midnight), and the checks that alert
/// anyway (left out: the deployment's <c>AmoHub:Notifications:CriticalChecks</c>).
/// </summary>
public sealed record QuietHoursBody(string? From, string? To, IReadOnlyList<string>? Critical = null);

/// <summary>
/// The weekly digest: <c>enabled: false</c> turns it off for the account; <see cref="Cron"/> is when it goes out, a
/// five-field cron expression read in the account's time zone (left out: the deployment's, Mondays at 09:00 by default).
/// </summary>
public sealed record DigestBody(bool Enabled = true, string? Cron = null);

/// <summary>
/// Mattermost: an incoming webhook URL (left out: the deployment's default), a channel (left out: the webhook's own),
/// and <c>enabled: false</c> to turn Mattermost off for the account.
/// </summary>
public sealed record MattermostBody(string? WebhookUrl, string? Channel, bool Enabled = true);

/// <summary>Email: the addresses that get the account's alerts.</summary>
public sealed record EmailBody(IReadOnlyList<string>? Recipients);

/// <summary>The generic webhook: the URL alerts are POSTed to as JSON.</summary>
public sealed record WebhookBody(string? Url);

/// <summary>
/// Telegram: the chat the deployment's bot posts to (<c>"-100…"</c> for a group or channel, or <c>"@channelname"</c>),
/// and the topic (<c>message_thread_id</c>) in a group with topics.
/// </summary>
public sealed record TelegramBody(string? ChatId, int? TopicId);

/// <summary>
/// The notifier's state: open incidents, muted checks, and each channel's queue, counters and last error;
/// <see cref="QuietUntil"/> is the end of the account's quiet hours while they are on, and <see cref="Held"/> the
/// alerts they hold until then.
/// </summary>
public sealed record NotificationStatusResponse(
    string Account,
    int OpenIncidents,
    int Pending,
    long Sent,
    IReadOnlyList<MutedCheckResponse> Muted,
    IReadOnlyList<ChannelStatusResponse> Channels,
    DateTimeOffset? QuietUntil,
    int Held)
{
    /// <summary>The response for a notifier's status.</summary>
    public static NotificationStatusResponse From(NotifierStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new(
            status.Account,
            status.OpenIncidents,
            status.Pending,
            status.Sent,
            status.Muted.Select(muted => new MutedCheckResponse(muted.CheckType.ToWireName(), muted.Until)).ToList(),
            status.Channels.Select(channel => new ChannelStatusResponse(
                channel.Channel.ToWireName(),
                channel.Configured,
                channel.Pending,
                channel.Sent,
                channel.Dropped,
                channel.LastSentAt,
                channel.LastError,
                channel.LastErrorAt,
                channel.NextAttemptAt,
                channel.Failing)).ToList(),
            status.QuietUntil,
            status.Held);
    }
}

/// <summary>A check whose alerts are muted after it flapped.</summary>
public sealed record MutedCheckResponse(string CheckType, DateTimeOffset Until);

/// <summary>
/// One channel of the notifier; <see cref="Failing"/> says why the receiver refuses the channel for good (a Telegram
/// bot blocked, a chat not found), until a delivery goes through.
/// </summary>
public sealed record ChannelStatusResponse(
    string Channel,
    bool Configured,
    int Pending,
    long Sent,
    long Dropped,
    DateTimeOffset? LastSentAt,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    DateTimeOffset? NextAttemptAt,
    string? Failing);

/// <summary>The outcome of a test message on every configured channel.</summary>
public sealed record NotificationTestResponse(IReadOnlyList<ChannelTestResponse> Results);

/// <summary>The outcome on one channel; <see cref="Error"/> says what went wrong, without URLs or passwords.</summary>
public sealed record ChannelTestResponse(string Channel, bool Delivered, string? Error);

/// <summary>
/// A digest queued now: its week (<see cref="From"/> to <see cref="To"/>, maintenance left out), the channels it was
/// queued on, and each check's figures.
/// </summary>
public sealed record DigestResponse(
    DateTimeOffset From, DateTimeOffset To, bool ExcludesMaintenance, IReadOnlyList<string> Channels, IReadOnlyList<DigestCheckResponse> Checks)
{
    /// <summary>The response for a digest handed to the notifier.</summary>
    public static DigestResponse Of(DigestSent sent)
    {
        ArgumentNullException.ThrowIfNull(sent);
        var report = sent.Report;
        return new(
            report.From,
            report.To,
            true,
            sent.Channels.Select(channel => channel.ToWireName()).ToList(),
            report.Checks.Select(check => new DigestCheckResponse(
                check.CheckType.ToWireName(),
                check.TotalChecks,
                check.Uptime,
                check.P95,
                check.Incidents,
                (long)check.Downtime.TotalMilliseconds,
                check.Mttr is { } mttr ? (long)mttr.TotalMilliseconds : null)).ToList());
    }
}

/// <summary>
/// One check of a digest, as in <c>/api/stats</c>: uptime (%), p95 (ms), incidents, total downtime (ms) and MTTR (ms, null
/// when no incident closed).
/// </summary>
public sealed record DigestCheckResponse(string CheckType, long TotalChecks, double? Uptime, int? P95, int IncidentCount, long TotalDowntime, long? Mttr);
