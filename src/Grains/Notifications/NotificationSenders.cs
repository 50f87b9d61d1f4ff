using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Json;
using System.Net.Mail;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using Microsoft.Extensions.Options;

namespace AmoHub.Grains.Notifications;

/// <summary>
/// Where one channel of one account delivers, resolved from the account's settings and the deployment's defaults:
/// a webhook URL (with the Mattermost channel, if any), the email recipients, or the Telegram chat, and the language
/// and time zone (null: the deployment's) its messages are written in; <see cref="EditMessageId"/> is the message a
/// delivery edits instead of posting a new one (Telegram only).
/// </summary>
public sealed record ChannelTarget(
    NotificationChannel Channel,
    NotificationLanguage Language,
    Uri? Url,
    string? MattermostChannel,
    ImmutableArray<string> Recipients,
    TelegramTarget? Telegram = null,
    TimeZoneInfo? Zone = null,
    long? EditMessageId = null);

/// <summary>Delivers an alert on one kind of channel; a failure throws, and never with a URL or password in its message.</summary>
public interface INotificationSender
{
    /// <summary>The channel this sender serves.</summary>
    NotificationChannel Channel { get; }

    /// <summary>
    /// Sends <paramref name="alert"/> once (or edits the message <see cref="ChannelTarget.EditMessageId"/>);
    /// <paramref name="deliveryId"/> lets a receiver recognise a repeat. Answers the receiver's id of the message where
    /// it gives one to edit later, else null.
    /// </summary>
    Task<long?> SendAsync(Alert alert, ChannelTarget target, string deliveryId, CancellationToken cancellationToken);
}

/// <summary>A receiver answered, but not with success; the message says how, safely (<c>HTTP 500</c>).</summary>
public sealed class NotificationDeliveryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NotificationDeliveryException()
    {
    }

    /// <summary>Creates the exception with a message fit for logs and the status API.</summary>
    public NotificationDeliveryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public NotificationDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the wait the receiver asked for, or its refusal of the channel for good.</summary>
    public NotificationDeliveryException(string message, TimeSpan? retryAfter, bool refused)
        : base(message)
    {
        RetryAfter = retryAfter;
        Refused = refused;
    }

    /// <summary>How long the receiver asked to wait before the next try (Telegram's <c>retry_after</c>), if it did.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The receiver refused the channel itself (a bot blocked, a chat not found): no retry can help.</summary>
    public bool Refused { get; }
}

/// <summary>Posts JSON to webhooks: the transport of the Mattermost and generic webhook channels.</summary>
public static class WebhookPost
{
    /// <summary>Name of the HttpClient used for notifications (its request logging is off: URLs hold tokens).</summary>
    public const string HttpClientName = "amohub.notifications";

    /// <summary>The header carrying the delivery id, the same on every try of one message to one channel.</summary>
    public const string DeliveryHeader = "X-AmoHub-Delivery";

    /// <summary>
    /// POSTs <paramref name="body"/>; throws <see cref="NotificationDeliveryException"/> on an answer other than 2xx.
    /// A webhook gives no message id to edit, so the answer is always null.
    /// </summary>
    public static async Task<long?> SendAsync<T>(IHttpClientFactory clients, Uri url, T body, JsonSerializerOptions json, string deliveryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clients);
        var http = clients.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, options: json) };
        request.Headers.Add(DeliveryHeader, deliveryId);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new NotificationDeliveryException($"HTTP {(int)response.StatusCode}");
        }

        return null;
    }
}

/// <summary>Posts alerts to a Mattermost incoming webhook as a message with one coloured attachment.</summary>
public sealed class MattermostSender(IHttpClientFactory clients, IOptions<NotificationOptions> options) : INotificationSender
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <inheritdoc />
    public NotificationChannel Channel => NotificationChannel.Mattermost;

    /// <inheritdoc />
    public Task<long?> SendAsync(Alert alert, ChannelTarget target, string deliveryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var settings = options.Value;
        var message = AlertText.Render(alert, target.Language, target.Zone ?? settings.Zone);
        var payload = new MattermostPost(
            target.MattermostChannel,
            settings.Mattermost.Username,
            settings.Mattermost.IconUrl,
            message.Title,
            [
                new MattermostAttachment(
                    message.Title,
                    message.Color,
                    message.Title,
                    message.Text,
                    message.Fields.Select(field => new MattermostField(field.IsShort, field.Title, field.Value)).ToList()),
            ]);
        return WebhookPost.SendAsync(clients, target.Url!, payload, Json, deliveryId, cancellationToken);
    }

    private sealed record MattermostPost(
        [property: JsonPropertyName("channel")] string? Channel,
        [property: JsonPropertyName("username")] string Username,
        [property: JsonPropertyName("icon_url")] string? IconUrl,
        [property: JsonPropertyName("text")] string Text,
        [property: JsonPropertyName("attachments")] IReadOnlyList<MattermostAttachment> Attachments);

    private sealed record MattermostAttachment(
        [property: JsonPropertyName("fallback")] string Fallback,
        [property: JsonPropertyName("color")] string Color,
        [property: JsonPropertyName("title")] string Title,
        [property: JsonPropertyName("text")] string Text,
        [property: JsonPropertyName("fields")] IReadOnlyList<MattermostField> Fields);

    private sealed record MattermostField(
        [property: JsonPropertyName("short")] bool IsShort,
        [property: JsonPropertyName("title")] string Title,
        [property: JsonPropertyName("value")] string Value);
}

/// <summary>
/// POSTs alerts as a JSON document to any URL. The document (camelCase) has <c>event</c> (<c>down</c>,
/// <c>still_down</c>, <c>restored</c>, <c>flapping</c>, <c>slow</c>, <c>slow_recovered</c>, <c>test</c>,
/// <c>outage_down</c>, <c>outage_update</c>, <c>outage_restored</c>, <c>digest</c>), <c>account</c>, <c>check</c>,
/// <c>incidentId</c> (an outage's id for the outage events), <c>startedAt</c>, <c>endedAt</c>, <c>durationSeconds</c>,
/// <c>httpStatus</c>, <c>errorCode</c>, <c>error</c>, <c>count</c> (for an outage: the accounts down, at the most
/// when restored), <c>total</c> and <c>accounts</c> (an outage's accounts monitored, and those down by name),
/// <c>mutedUntil</c>, <c>slow</c> (a slow-down's <c>p95Ms</c>, <c>warningMs</c> and <c>windowSeconds</c>),
/// <c>title</c>, <c>text</c>, <c>language</c>, <c>deliveryId</c> and <c>sentAt</c>. A digest has its figures in
/// <c>digest</c>: <c>from</c>, <c>to</c>, <c>timeZone</c>, <c>excludesMaintenance</c> and <c>checks</c>, one per
/// check with <c>check</c>, <c>totalChecks</c>, <c>uptime</c> (%), <c>p95</c> (ms), <c>incidents</c>,
/// <c>downtimeSeconds</c> and <c>mttrSeconds</c>; other events have no <c>digest</c>.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, IOptions<NotificationOptions> options, TimeProvider time) : INotificationSender
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <inheritdoc />
    public NotificationChannel Channel => NotificationChannel.Webhook;

    /// <inheritdoc />
    public Task<long?> SendAsync(Alert alert, ChannelTarget target, string deliveryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(target);
        var zone = target.Zone ?? options.Value.Zone;
        var message = AlertText.Render(alert, target.Language, zone);
        var payload = new WebhookDocument(
            alert.Event,
            alert.Account,
            alert.CheckType?.ToWireName(),
            alert.IncidentId,
            alert.StartedAt,
            alert.Kind is AlertKind.Restored or AlertKind.GroupRestored or AlertKind.SlowRecovered ? alert.At : null,
            (long)alert.Duration.TotalSeconds,
            alert.HttpStatus,
            alert.ErrorCode,
            alert.Error,
            AlertText.Reason(alert, target.Language),
            alert.Kind is AlertKind.StillDown or AlertKind.Flapping or AlertKind.GroupDown or AlertKind.GroupUpdate or AlertKind.GroupRestored ? alert.Count : null,
            alert.Total > 0 ? alert.Total : null,
            alert.Accounts,
            alert.MutedUntil,
            alert.Slow is { } slow ? new SlowDocument(slow.P95Ms, slow.WarningMs, (long)slow.Window.TotalSeconds) : null,
            message.Title,
            message.Text,
            target.Language == NotificationLanguage.En ? "en" : "ru",
            deliveryId,
            time.GetUtcNow(),
            alert.Digest is { } digest ? DigestDocument.Of(digest, zone) : null);
        return WebhookPost.SendAsync(clients, target.Url!, payload, Json, deliveryId, cancellationToken);
    }

    private sealed record WebhookDocument(
        string Event,
        string Account,
        string? Check,
        long? IncidentId,
        DateTimeOffset StartedAt,
        DateTimeOffset? EndedAt,
        long DurationSeconds,
        int? HttpStatus,
        string? ErrorCode,
        string? Error,
        string? Reason,
        int? Count,
        int? Total,
        IReadOnlyList<string>? Accounts,
        DateTimeOffset? MutedUntil,
        SlowDocument? Slow,
        string Title,
        string Text,
        string Language,
        string DeliveryId,
        DateTimeOffset SentAt,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DigestDocument? Digest);

    private sealed record DigestDocument(
        DateTimeOffset From, DateTimeOffset To, string TimeZone, bool ExcludesMaintenance, IReadOnlyList<DigestCheckDocument> Checks)
    {
        public static DigestDocument Of(DigestReport digest, TimeZoneInfo zone) => new(
            digest.From,
            digest.To,
            zone.Id,
            true,
            digest.Checks.Select(check => new DigestCheckDocument(
                check.CheckType.ToWireName(),
                check.TotalChecks,
                check.Uptime,
                check.P95,
                check.Incidents,
                (long)check.Downtime.TotalSeconds,
                check.Mttr is { } mttr ? (long)mttr.TotalSeconds : null)).ToList());
    }

    private sealed record DigestCheckDocument(
        string Check, long TotalChecks, double? Uptime, int? P95, int Incidents, long DowntimeSeconds, long? MttrSeconds);

    private sealed record SlowDocument(int P95Ms, int WarningMs, long WindowSeconds);
}

/// <summary>Sends alerts as plain-text email through the deployment's SMTP server, one message to all recipients.</summary>
public sealed class EmailSender(IOptions<NotificationOptions> options) : INotificationSender
{
    /// <inheritdoc />
    public NotificationChannel Channel => NotificationChannel.Email;

    /// <inheritdoc />
    public async Task<long?> SendAsync(Alert alert, ChannelTarget target, string deliveryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var settings = options.Value;
        var smtp = settings.Smtp;
        var message = AlertText.Render(alert, target.Language, target.Zone ?? settings.Zone);
        using var mail = new MailMessage
        {
            From = new MailAddress(smtp.From!),
            Subject = message.Title,
            SubjectEncoding = Encoding.UTF8,
            Body = message.PlainText,
            BodyEncoding = Encoding.UTF8,
            IsBodyHtml = false,
        };
        foreach (var recipient in target.Recipients)
        {
            mail.To.Add(recipient);
        }

        mail.Headers.Add(WebhookPost.DeliveryHeader, deliveryId);
        using var client = new SmtpClient(smtp.Host, smtp.Port)
        {
            DeliveryMethod = SmtpDeliveryMethod.Network,
            EnableSsl = smtp.StartTls,
            UseDefaultCredentials = false,
            Credentials = smtp.User is null ? null : new NetworkCredential(smtp.User, smtp.Password),
        };
        await client.SendMailAsync(mail, cancellationToken);
        return null;
    }
}
