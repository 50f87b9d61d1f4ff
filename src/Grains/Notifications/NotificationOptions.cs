using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.Grains.Notifications;

/// <summary>
/// Settings under <c>AmoHub:Notifications</c>: when alerts go out, how deliveries are retried, and the deployment's
/// defaults (a Mattermost webhook for accounts without their own, the SMTP server for email, the Telegram bot).
/// </summary>
public sealed class NotificationOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:Notifications";

    private TimeZoneInfo? _zone;

    /// <summary>How long an incident must stay open before its DOWN alert goes out; a shorter blip sends nothing.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan Delay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a long outage is alerted again after its DOWN alert; zero turns re-alerts off.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan RealertInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The window in which incidents of one check are counted for flapping.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan FlapWindow { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A check that opens more than this many incidents within <see cref="FlapWindow"/> is flapping.</summary>
    [Range(1, 1000)]
    public int FlapThreshold { get; set; } = 4;

    /// <summary>How long a flapping check's alerts stay muted after its one flapping message.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan FlapMute { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Incidents of one check on several accounts that began within this window of each other are one outage of
    /// amoCRM itself (with at least <see cref="GroupMinAccounts"/> accounts): one message per channel instead of one
    /// per account. The accounts are counted when the first DOWN alert is due (<see cref="Delay"/>), so a window no
    /// longer than the delay sees every account that failed with it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan GroupWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How many accounts must fail together to make one outage; 0 turns grouping off.</summary>
    [Range(0, 1_000_000)]
    public int GroupMinAccounts { get; set; } = 3;

    /// <summary>
    /// The shortest time between two follow-ups of an outage on a channel that cannot edit its first message
    /// (Mattermost, email, the generic webhook); Telegram edits its message at every change.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan GroupFollowUpInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether incidents are grouped into outages at all.</summary>
    public bool Grouping => GroupMinAccounts >= 2;

    /// <summary>The wait before a failed delivery is tried again; it doubles with every failure up to <see cref="RetryMax"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RetryInitial { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between two tries of a delivery.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan RetryMax { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A message not delivered this long after it was queued is dropped (and counted).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long one delivery may take (an HTTP POST or an SMTP conversation).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Period of the reminder that brings a notifier with pending alerts back after a restart or failover. Orleans'
    /// minimum is one minute unless lowered; tests lower it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The language of alerts for accounts that do not choose one: <c>ru</c> or <c>en</c>.</summary>
    public string Language { get; set; } = "ru";

    /// <summary>The time zone of the times in alert texts (an IANA id such as <c>Europe/Moscow</c>).</summary>
    public string TimeZone
    {
        get;
        set
        {
            field = value;
            _zone = null;
        }
    } = "UTC";

    /// <summary>Slow-down alerts (<c>AmoHub:Notifications:Slow:…</c>).</summary>
    public SlowAlertSettings Slow { get; set; } = new();

    /// <summary>
    /// The checks whose alerts go out during an account's quiet hours (wire names: <c>GET</c>, <c>POST</c>, <c>WEB</c>,
    /// <c>HOOK</c>, <c>DP</c>); not set: <c>DP</c> and <c>HOOK</c>, the checks that lose leads. Blank entries are left
    /// out, so a single blank one means none. (Not set rather than a default list: the configuration binder would add
    /// the configured names to a default list instead of replacing it.)
    /// </summary>
    public string[]? CriticalChecks { get; set; }

    /// <summary>The critical checks as <see cref="CriticalChecks"/> names them (validated at start-up).</summary>
    public IReadOnlySet<CheckType> Critical => CriticalChecks is null
        ? new HashSet<CheckType> { CheckType.Dp, CheckType.Hook }
        : QuietHoursRule.ParseChecks(CriticalChecks);

    /// <summary>The deployment's Mattermost defaults.</summary>
    public MattermostDefaults Mattermost { get; set; } = new();

    /// <summary>The SMTP server email alerts go through.</summary>
    public SmtpSettings Smtp { get; set; } = new();

    /// <summary>The Telegram bot alerts go through.</summary>
    public TelegramSettings Telegram { get; set; } = new();

    /// <summary>The weekly digest of accounts that do not set their own.</summary>
    public DigestDefaults Digest { get; set; } = new();

    /// <summary>The resolved <see cref="TimeZone"/>, looked up once (start-up validation has checked the id).</summary>
    public TimeZoneInfo Zone => _zone ??= TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>The time zone an account's people live in: its own (validated when stored), else <see cref="Zone"/>.</summary>
    public TimeZoneInfo ZoneOf(NotificationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.TimeZone is { } id ? TimeZoneInfo.FindSystemTimeZoneById(id) : Zone;
    }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!NotificationRules.TryParseLanguage(Language, out _))
        {
            yield return new ValidationResult("must be ru or en.", [nameof(Language)]);
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            yield return new ValidationResult("must be a time zone id such as UTC or Europe/Moscow.", [nameof(TimeZone)]);
        }

        if (GroupMinAccounts == 1)
        {
            yield return new ValidationResult("must be 0 (grouping off) or at least 2: one account alone is not an outage of many.", [nameof(GroupMinAccounts)]);
        }

        if (RetryMax < RetryInitial)
        {
            yield return new ValidationResult("must not be shorter than AmoHub:Notifications:RetryInitial.", [nameof(RetryMax)]);
        }

        foreach (var name in CriticalChecks ?? [])
        {
            if (!string.IsNullOrWhiteSpace(name) && !CheckTypes.TryParse(name.Trim(), out _))
            {
                yield return new ValidationResult($"'{name}' is not a check: use GET, POST, WEB, HOOK or DP.", [nameof(CriticalChecks)]);
            }
        }

        foreach (var result in Mattermost.Validate().Concat(Smtp.Validate()).Concat(Telegram.Validate()).Concat(Slow.Validate()).Concat(Digest.Validate()))
        {
            yield return result;
        }
    }
}

/// <summary>
/// Settings under <c>AmoHub:Notifications:Slow</c>: whether slow-downs are alerted (an account's <c>slowAlerts</c>
/// overrides it) and how long a slow-down must last first. The window the probes take the percentile over is
/// <c>AmoHub:Probes:SlowWindow</c>.
/// </summary>
public sealed class SlowAlertSettings
{
    /// <summary>Whether slow-downs are alerted for accounts that do not choose.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a check must stay slow before its slow alert goes out; a shorter slow-down sends nothing.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Checks the settings; member names are relative to <c>AmoHub:Notifications</c>.</summary>
    public IEnumerable<ValidationResult> Validate()
    {
        if (Delay < TimeSpan.Zero || Delay > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult("must be between 00:00:00 and 1.00:00:00.", ["Slow:Delay"]);
        }
    }
}

/// <summary>Settings under <c>AmoHub:Notifications:Mattermost</c>.</summary>
public sealed class MattermostDefaults
{
    /// <summary>The incoming webhook used by accounts without one of their own (<c>MATTERMOST_WEBHOOK_URL</c>).</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The channel posts to the default webhook go to, when not the webhook's own.</summary>
    public string? Channel { get; set; }

    /// <summary>The name posts appear under.</summary>
    public string Username { get; set; } = "AmoHub";

    /// <summary>The picture posts appear with.</summary>
    public string? IconUrl { get; set; }

    /// <summary>Checks the settings; member names are relative to <c>AmoHub:Notifications</c>.</summary>
    public IEnumerable<ValidationResult> Validate()
    {
        if (WebhookUrl is not null && !NotificationRules.IsHttpUrl(WebhookUrl))
        {
            yield return new ValidationResult("must be an absolute http(s) URL.", ["Mattermost:WebhookUrl"]);
        }

        if (Channel is not null && !NotificationRules.IsChannelName(Channel))
        {
            yield return new ValidationResult(NotificationRules.ChannelNameRule, ["Mattermost:Channel"]);
        }

        if (string.IsNullOrWhiteSpace(Username) || Username.Length > 64)
        {
            yield return new ValidationResult("must be 1-64 characters.", ["Mattermost:Username"]);
        }

        if (IconUrl is not null && !NotificationRules.IsHttpUrl(IconUrl))
        {
            yield return new ValidationResult("must be an absolute http(s) URL.", ["Mattermost:IconUrl"]);
        }
    }
}

/// <summary>
/// Settings under <c>AmoHub:Notifications:Digest</c>: whether accounts that leave <c>digest</c> out of their settings
/// get the weekly digest, and when (a five-field cron expression read in each account's time zone; Monday 09:00 by
/// default).
/// </summary>
public sealed class DigestDefaults
{
    /// <summary>The default cron expression: Mondays at 09:00.</summary>
    public const string DefaultCron = "0 9 * * MON";

    /// <summary>Whether accounts get the digest unless they turn it off.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>When the digest goes out, read in the account's time zone.</summary>
    public string Cron { get; set; } = DefaultCron;

    /// <summary>Checks the settings; member names are relative to <c>AmoHub:Notifications</c>.</summary>
    public IEnumerable<ValidationResult> Validate()
    {
        if (!DigestSchedule.TryParse(Cron, out _))
        {
            yield return new ValidationResult(DigestSchedule.CronRule, ["Digest:Cron"]);
        }
    }
}

/// <summary>Settings under <c>AmoHub:Notifications:Smtp</c>: the server email alerts go through.</summary>
public sealed class SmtpSettings
{
    /// <summary>The SMTP server; without one no email is sent.</summary>
    public string? Host { get; set; }

    /// <summary>The submission port.</summary>
    public int Port { get; set; } = 587;

    /// <summary>Whether to upgrade the connection with STARTTLS (implicit TLS on port 465 is not supported).</summary>
    public bool StartTls { get; set; } = true;

    /// <summary>The user to authenticate as, if the server wants one.</summary>
    public string? User { get; set; }

    /// <summary>The password of <see cref="User"/>. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>The sender address of alerts.</summary>
    public string? From { get; set; }

    /// <summary>Checks the settings; member names are relative to <c>AmoHub:Notifications</c>.</summary>
    public IEnumerable<ValidationResult> Validate()
    {
        if (Host is null)
        {
            yield break;
        }

        if (Port is < 1 or > 65535)
        {
            yield return new ValidationResult("must be a TCP port number (1-65535).", ["Smtp:Port"]);
        }
        else if (Port == 465)
        {
            yield return new ValidationResult("465 needs implicit TLS, which AmoHub's SMTP client does not speak: use 587 with StartTls.", ["Smtp:Port"]);
        }

        if (From is null || !NotificationRules.IsEmailAddress(From))
        {
            yield return new ValidationResult("must be the sender's email address when AmoHub:Notifications:Smtp:Host is set.", ["Smtp:From"]);
        }

        if (Password is not null && User is null)
        {
            yield return new ValidationResult("is required when a password is set.", ["Smtp:User"]);
        }
    }
}

/// <summary>Settings under <c>AmoHub:Notifications:Telegram</c>: the deployment's bot and the Bot API it talks to.</summary>
public sealed partial class TelegramSettings
{
    /// <summary>The bot's token from @BotFather (<c>123456:ABC…</c>); without one no Telegram message is sent. A secret: never logged or shown.</summary>
    public string? BotToken { get; set; }

    /// <summary>The Bot API's base URL (a local Bot API server, or a stand-in in tests).</summary>
    public string ApiBaseUrl { get; set; } = "https://api.telegram.org";

    /// <summary>Checks the settings; member names are relative to <c>AmoHub:Notifications</c>. Messages never echo the token.</summary>
    public IEnumerable<ValidationResult> Validate()
    {
        if (BotToken is not null && !TokenShape().IsMatch(BotToken))
        {
            yield return new ValidationResult("must be a Telegram bot token as @BotFather gives it (digits, a colon, then letters, digits, '-' or '_').", ["Telegram:BotToken"]);
        }

        if (!NotificationRules.IsHttpUrl(ApiBaseUrl))
        {
            yield return new ValidationResult("must be an absolute http(s) URL.", ["Telegram:ApiBaseUrl"]);
        }
    }

    [GeneratedRegex("^[0-9]{1,20}:[A-Za-z0-9_-]{20,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex TokenShape();
}
