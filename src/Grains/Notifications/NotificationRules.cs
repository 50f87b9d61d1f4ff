using System.Collections.Immutable;
using System.Net.Mail;
using System.Text.RegularExpressions;
using AmoHub.Grains.Interfaces.Notifications;

namespace AmoHub.Grains.Notifications;

/// <summary>The languages alerts are written in.</summary>
public enum NotificationLanguage
{
    /// <summary>Russian, the default.</summary>
    Ru,

    /// <summary>English.</summary>
    En,
}

/// <summary>
/// Field rules shared by the deployment's settings and the accounts' settings, and the handling of the secret part
/// of webhook URLs (the token in their path): sealing for storage, masking for display.
/// </summary>
public static partial class NotificationRules
{
    /// <summary>Most recipients one account may have.</summary>
    public const int MaxRecipients = 50;

    /// <summary>What a Mattermost channel must look like, for error messages.</summary>
    public const string ChannelNameRule = "must be a Mattermost channel name (1-64 lower-case letters, digits, '-', '_' or '.') or @username.";

    private const string MaskedPath = "/***";
    private const int MaxUrlLength = 2000;

    /// <summary>Parses <c>ru</c> or <c>en</c>, in any case.</summary>
    public static bool TryParseLanguage(string? value, out NotificationLanguage language)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "ru":
                language = NotificationLanguage.Ru;
                return true;
            case "en":
                language = NotificationLanguage.En;
                return true;
            default:
                language = default;
                return false;
        }
    }

    /// <summary>An absolute http or https URL with a host, of reasonable length.</summary>
    public static bool IsHttpUrl(string? value) =>
        value is { Length: <= MaxUrlLength }
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.Host.Length > 0;

    /// <summary>A Mattermost channel name, or <c>@username</c> for a direct message.</summary>
    public static bool IsChannelName(string? value) => value is not null && ChannelName().IsMatch(value);

    /// <summary>A bare email address (no display name).</summary>
    public static bool IsEmailAddress(string? value) =>
        value is not null
        && MailAddress.TryCreate(value, out var address)
        && address.Address == value
        && address.DisplayName.Length == 0;

    /// <summary>
    /// The problems with an account's settings, as <see cref="Normalize"/> left them, by field (JSON path as the API
    /// spells it), given the deployment's defaults; empty when they can be stored.
    /// </summary>
    public static Dictionary<string, string[]> Validate(NotificationSettings settings, NotificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new Dictionary<string, string[]>();
        if (settings.Language is not null && !TryParseLanguage(settings.Language, out _))
        {
            errors["language"] = ["must be ru or en."];
        }

        if (settings.TimeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(settings.TimeZone, out _))
        {
            errors["timeZone"] = ["must be a time zone id such as Europe/Moscow or Asia/Yekaterinburg."];
        }

        if (settings.Mattermost is { } mattermost)
        {
            if (mattermost.WebhookUrl is { } url && !IsHttpUrl(url))
            {
                errors["mattermost.webhookUrl"] = ["must be an absolute http(s) URL."];
            }
            else if (mattermost is { WebhookUrl: null, Enabled: true } && options.Mattermost.WebhookUrl is null)
            {
                errors["mattermost.webhookUrl"] = ["is required: this deployment has no default Mattermost webhook (AmoHub:Notifications:Mattermost:WebhookUrl)."];
            }

            if (mattermost.Channel is not null && !IsChannelName(mattermost.Channel))
            {
                errors["mattermost.channel"] = [ChannelNameRule];
            }
        }

        if (settings.Email is { } email)
        {
            ValidateRecipients(email.Recipients, options, errors);
        }

        if (settings.Webhook is { } webhook && !IsHttpUrl(webhook.Url))
        {
            errors["webhook.url"] = ["must be an absolute http(s) URL."];
        }

        if (settings.Telegram is { } telegram)
        {
            ValidateTelegram(telegram, options, errors);
        }

        if (settings.QuietHours is { } quiet)
        {
            QuietHoursRule.Validate(quiet, errors);
        }

        if (settings.Digest is { Cron: { } cron } && !DigestSchedule.TryParse(cron, out _))
        {
            errors["digest.cron"] = [DigestSchedule.CronRule];
        }

        return errors;
    }

    /// <summary>
    /// The settings as they are stored: values trimmed, blank ones left out (a blank Mattermost URL means the
    /// deployment's default; a blank digest cron, the deployment's cron), the language in lower case, an email target
    /// without recipients dropped, the quiet hours' critical checks named by their wire names.
    /// </summary>
    public static NotificationSettings Normalize(NotificationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var recipients = settings.Email is { Recipients.IsDefault: false } email
            ? email.Recipients.Select(recipient => recipient?.Trim() ?? "").ToImmutableArray()
            : [];
        return new NotificationSettings(
            Blank(settings.Language)?.ToLowerInvariant(),
            settings.Mattermost is { } mattermost
                ? new MattermostTarget(mattermost.Enabled, Blank(mattermost.WebhookUrl), Blank(mattermost.Channel))
                : null,
            recipients.IsEmpty ? null : new EmailTarget(recipients),
            settings.Webhook is { } webhook ? new WebhookTarget(webhook.Url?.Trim() ?? "") : null,
            settings.Telegram is { } telegram ? new TelegramTarget(telegram.ChatId?.Trim() ?? "", telegram.TopicId) : null,
            Blank(settings.TimeZone),
            settings.QuietHours is { } quiet ? QuietHoursRule.Normalize(quiet) : null,
            settings.SlowAlerts,
            settings.Digest is { } digest ? new DigestSettings(digest.Enabled, Blank(digest.Cron)) : null);
    }

    /// <summary>
    /// A webhook URL as it may be shown: scheme, host and port; the path (which holds the token) and any user and
    /// password before the host masked.
    /// </summary>
    public static string Mask(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? $"{uri.Scheme}://{(uri.UserInfo.Length > 0 ? "***@" : "")}{uri.Authority}{MaskedPath}"
            : MaskedPath;

    /// <summary>The settings with <paramref name="map"/> applied to each webhook URL (to seal, open or mask them).</summary>
    public static NotificationSettings MapSecrets(NotificationSettings settings, Func<string, string> map)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(map);
        return settings with
        {
            Mattermost = settings.Mattermost is { WebhookUrl: { } url } mattermost ? mattermost with { WebhookUrl = map(url) } : settings.Mattermost,
            Webhook = settings.Webhook is { } webhook ? webhook with { Url = map(webhook.Url) } : null,
        };
    }

    private static void ValidateRecipients(ImmutableArray<string> recipients, NotificationOptions options, Dictionary<string, string[]> errors)
    {
        if (recipients.Length > MaxRecipients)
        {
            errors["email.recipients"] = [$"has {recipients.Length} addresses; at most {MaxRecipients} are allowed."];
            return;
        }

        for (var i = 0; i < recipients.Length; i++)
        {
            if (!IsEmailAddress(recipients[i]))
            {
                errors[$"email.recipients[{i}]"] = ["is not an email address."];
            }
        }

        if (options.Smtp.Host is null)
        {
            errors["email.recipients"] = ["cannot be used: this deployment has no SMTP server (AmoHub:Notifications:Smtp:Host)."];
        }
    }

    private static void ValidateTelegram(TelegramTarget telegram, NotificationOptions options, Dictionary<string, string[]> errors)
    {
        if (!TelegramChatId().IsMatch(telegram.ChatId))
        {
            errors["telegram.chatId"] = ["must be a Telegram chat id (-100… for a group or channel) or @channelname."];
        }
        else if (options.Telegram.BotToken is null)
        {
            errors["telegram.chatId"] = ["cannot be used: this deployment has no Telegram bot (AmoHub:Notifications:Telegram:BotToken)."];
        }

        if (telegram.TopicId is <= 0)
        {
            errors["telegram.topicId"] = ["must be a positive topic id (message_thread_id)."];
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex("^(?:@[A-Za-z0-9._-]{1,64}|[a-z0-9._-]{1,64})$", RegexOptions.CultureInvariant)]
    private static partial Regex ChannelName();

    [GeneratedRegex("^(?:-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$", RegexOptions.CultureInvariant)]
    private static partial Regex TelegramChatId();
}
