using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AmoHub.Grains.Interfaces.Notifications;
using Microsoft.Extensions.Options;

namespace AmoHub.Grains.Notifications;

/// <summary>
/// Sends alerts to a Telegram chat through the deployment's bot: <c>POST {ApiBaseUrl}/bot{token}/sendMessage</c> with
/// the alert in HTML parse mode, into the account's topic when it has one, answering the message's id; an update of
/// an outage edits its message instead (<c>editMessageText</c>; "message is not modified" counts as done). The Bot API's refusals are told apart: 429
/// asks for a wait (<c>parameters.retry_after</c>), 403 (the bot was blocked or removed) and 400 "chat not found"
/// refuse the channel for good, the rest are retried like any failure. The token is in the URL: the HttpClient logs
/// nothing, and an error never repeats a URL.
/// </summary>
public sealed class TelegramSender(IHttpClientFactory clients, IOptions<NotificationOptions> options) : INotificationSender
{
    private const int MaxDescription = 200;
    private const string NotModified = "message is not modified";
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <inheritdoc />
    public NotificationChannel Channel => NotificationChannel.Telegram;

    /// <inheritdoc />
    public async Task<long?> SendAsync(Alert alert, ChannelTarget target, string deliveryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(target);
        var settings = options.Value;
        var bot = settings.Telegram;
        var chat = target.Telegram ?? throw new ArgumentException("A Telegram target has a chat.", nameof(target));
        var token = bot.BotToken ?? throw new InvalidOperationException("No Telegram bot token is configured.");
        var message = new TelegramMessage(
            chat.ChatId,
            target.EditMessageId is null ? chat.TopicId : null,
            target.EditMessageId,
            TelegramHtml.Format(AlertText.Render(alert, target.Language, target.Zone ?? settings.Zone)),
            "HTML",
            new LinkPreviewOptions(IsDisabled: true));
        var method = target.EditMessageId is null ? "sendMessage" : "editMessageText";
        var url = new Uri($"{bot.ApiBaseUrl.TrimEnd('/')}/bot{token}/{method}");
        using var response = await clients.CreateClient(WebhookPost.HttpClientName).PostAsJsonAsync(url, message, Json, cancellationToken);
        var answer = await ReadAnswerAsync(response, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return answer?.Result?.MessageId ?? target.EditMessageId;
        }

        if (target.EditMessageId is not null && answer?.Description?.Contains(NotModified, StringComparison.OrdinalIgnoreCase) == true)
        {
            // The edit would change nothing: the message already says it.
            return target.EditMessageId;
        }

        throw Refusal(response.StatusCode, answer, token);
    }

    /// <summary>What a Bot API error answer means for the delivery, described without the token.</summary>
    private static NotificationDeliveryException Refusal(HttpStatusCode status, BotAnswer? answer, string token)
    {
        var code = answer?.ErrorCode ?? (int)status;
        var description = answer?.Description is { Length: > 0 } text
            ? text.Replace(token, "***", StringComparison.Ordinal)
            : null;
        if (description is { Length: > MaxDescription })
        {
            description = description[..MaxDescription];
        }

        var error = string.Create(CultureInfo.InvariantCulture, $"Telegram {code}{(description is null ? "" : ": " + description)}");
        var chatNotFound = description?.Contains("chat not found", StringComparison.OrdinalIgnoreCase) == true;
        return code switch
        {
            (int)HttpStatusCode.TooManyRequests => new NotificationDeliveryException(
                error, answer?.Parameters?.RetryAfter is { } seconds and >= 0 ? TimeSpan.FromSeconds(seconds) : null, refused: false),
            (int)HttpStatusCode.Forbidden => new NotificationDeliveryException(error, retryAfter: null, refused: true),
            (int)HttpStatusCode.BadRequest when chatNotFound => new NotificationDeliveryException(error, retryAfter: null, refused: true),
            _ => new NotificationDeliveryException(error),
        };
    }

    private static async Task<BotAnswer?> ReadAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<BotAnswer>(cancellationToken);
        }
        catch (JsonException)
        {
            // Not the Bot API's JSON (a proxy's error page): the HTTP status is all there is.
            return null;
        }
    }

    private sealed record TelegramMessage(
        [property: JsonPropertyName("chat_id")] string ChatId,
        [property: JsonPropertyName("message_thread_id")] int? MessageThreadId,
        [property: JsonPropertyName("message_id")] long? MessageId,
        [property: JsonPropertyName("text")] string Text,
        [property: JsonPropertyName("parse_mode")] string ParseMode,
        [property: JsonPropertyName("link_preview_options")] LinkPreviewOptions LinkPreviewOptions);

    private sealed record LinkPreviewOptions([property: JsonPropertyName("is_disabled")] bool IsDisabled);

    private sealed record BotAnswer(
        [property: JsonPropertyName("ok")] bool Ok,
        [property: JsonPropertyName("error_code")] int? ErrorCode,
        [property: JsonPropertyName("description")] string? Description,
        [property: JsonPropertyName("parameters")] BotAnswerParameters? Parameters,
        [property: JsonPropertyName("result")] BotMessage? Result);

    private sealed record BotMessage([property: JsonPropertyName("message_id")] long? MessageId);

    private sealed record BotAnswerParameters([property: JsonPropertyName("retry_after")] int? RetryAfter);
}

/// <summary>
/// An alert as a Telegram message in HTML parse mode: the title in bold, the sentence, then one fact a line with its
/// label in bold. Only <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> need escaping outside tags; long values are cut so
/// the message stays within Telegram's 4,096 characters.
/// </summary>
public static class TelegramHtml
{
    private const int MaxValue = 500;

    /// <summary>The message text for <paramref name="message"/>.</summary>
    public static string Format(AlertMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = new StringBuilder()
            .Append("<b>").Append(Escape(message.Title)).AppendLine("</b>")
            .AppendLine(Escape(message.Text));
        if (message.Fields.Count > 0)
        {
            text.AppendLine();
        }

        foreach (var fact in message.Fields)
        {
            var value = fact.Value.Length > MaxValue ? fact.Value[..MaxValue] + "…" : fact.Value;
            text.Append("<b>").Append(Escape(fact.Title)).Append(":</b> ").AppendLine(Escape(value));
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>Escapes the three characters Telegram's HTML parse mode reads as markup.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);
    }
}
