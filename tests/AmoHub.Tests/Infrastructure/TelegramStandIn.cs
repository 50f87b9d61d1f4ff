using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AmoHub.Tests.Infrastructure;

/// <summary>
/// One <c>sendMessage</c> (or, with <see cref="EditedMessageId"/>, one <c>editMessageText</c>) the stand-in received:
/// the chat, the topic, the text as sent, the HTTP status it answered, and the id of the message it made or edited.
/// </summary>
public sealed record TelegramPost(string ChatId, int? TopicId, string Text, string? ParseMode, DateTimeOffset At, int Status, long? EditedMessageId = null, long? MessageId = null);

/// <summary>
/// The Telegram Bot API on a free loopback port, as far as AmoHub uses it: <c>POST /bot{token}/sendMessage</c> and
/// <c>POST /bot{token}/editMessageText</c> with a JSON body (an edit of a message the chat does not have is 400
/// "message to edit not found", an edit to the same text 400 "message is not modified"), answered with the Bot API's own JSON (<c>{"ok":true,"result":{…}}</c>, or <c>{"ok":false,
/// "error_code":…, "description":…}</c>). A token other than <see cref="Token"/> is 401 Unauthorized; text in HTML
/// parse mode with a stray <c>&lt;</c> or <c>&amp;</c> is 400 "can't parse entities", as Telegram answers. A chat can
/// be throttled (429 with <c>parameters.retry_after</c>) for its next posts, or block the bot (403).
/// </summary>
public sealed partial class TelegramStandIn : IAsyncDisposable
{
    /// <summary>The bot token the stand-in accepts, shaped like one from @BotFather.</summary>
    public const string Token = "7000000001:AAHstandInTokenForAmoHubTests_x-0";

    private readonly ConcurrentQueue<TelegramPost> _received = new();
    private readonly ConcurrentDictionary<string, (int Left, int RetryAfter)> _throttled = new();
    private readonly ConcurrentDictionary<string, bool> _blocked = new();
    private readonly ConcurrentDictionary<(string Chat, long Message), string> _messages = new();
    private int _messageId;
    private WebApplication? _app;

    /// <summary>Starts the stand-in.</summary>
    public static async Task<TelegramStandIn> StartAsync()
    {
        var standIn = new TelegramStandIn();
        standIn._app = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/bot{token}/sendMessage", standIn.SendMessageAsync);
            app.MapPost("/bot{token}/editMessageText", standIn.EditMessageTextAsync);
        });
        return standIn;
    }

    /// <summary>The Bot API base URL to configure as <c>AmoHub:Notifications:Telegram:ApiBaseUrl</c>.</summary>
    public string BaseUrl => _app!.Urls.First();

    /// <summary>Answers the next <paramref name="times"/> posts to <paramref name="chatId"/> with 429 and <c>retry_after</c>.</summary>
    public void Throttle(string chatId, int times, int retryAfterSeconds) => _throttled[chatId] = (times, retryAfterSeconds);

    /// <summary>The chat's user blocks the bot: every post to it is 403 from now on.</summary>
    public void Block(string chatId) => _blocked[chatId] = true;

    /// <summary>Every post to the chat so far, in arrival order.</summary>
    public IReadOnlyList<TelegramPost> Received(string chatId) => _received.Where(post => post.ChatId == chatId).ToList();

    /// <summary>The new messages posted to the chat that were answered ok (edits left out).</summary>
    public IReadOnlyList<TelegramPost> Accepted(string chatId) =>
        Received(chatId).Where(post => post.Status == StatusCodes.Status200OK && post.EditedMessageId is null).ToList();

    /// <summary>The edits of the chat's messages that were answered ok.</summary>
    public IReadOnlyList<TelegramPost> Edits(string chatId) =>
        Received(chatId).Where(post => post.Status == StatusCodes.Status200OK && post.EditedMessageId is not null).ToList();

    /// <summary>The text a message of the chat shows now, after its edits.</summary>
    public string? Shown(string chatId, long messageId) => _messages.GetValueOrDefault((chatId, messageId));

    /// <summary>Waits until the chat has accepted <paramref name="count"/> posts.</summary>
    public Task<IReadOnlyList<TelegramPost>> WaitForAsync(string chatId, int count) =>
        Eventually.MatchAsync(
            () => Task.FromResult(Accepted(chatId)),
            posts => posts.Count >= count,
            TimeSpan.FromSeconds(30),
            $"{count} accepted Telegram messages in chat {chatId}");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task<IResult> SendMessageAsync(HttpContext context, string token)
    {
        if (token != Token)
        {
            return Error(StatusCodes.Status401Unauthorized, "Unauthorized");
        }

        var body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body);
        var chatId = body.TryGetProperty("chat_id", out var chat) ? chat.ToString() : "";
        int? topic = body.TryGetProperty("message_thread_id", out var thread) ? thread.GetInt32() : null;
        var text = body.TryGetProperty("text", out var value) ? value.GetString() ?? "" : "";
        var parseMode = body.TryGetProperty("parse_mode", out var mode) ? mode.GetString() : null;
        var (status, answer) = Answer(chatId, text, parseMode);
        if (status != StatusCodes.Status200OK)
        {
            _received.Enqueue(new TelegramPost(chatId, topic, text, parseMode, DateTimeOffset.UtcNow, status));
            return answer;
        }

        var messageId = Interlocked.Increment(ref _messageId);
        _messages[(chatId, messageId)] = text;
        _received.Enqueue(new TelegramPost(chatId, topic, text, parseMode, DateTimeOffset.UtcNow, status, MessageId: messageId));
        return Message(chatId, messageId, topic, text, parseMode);
    }

    private async Task<IResult> EditMessageTextAsync(HttpContext context, string token)
    {
        if (token != Token)
        {
            return Error(StatusCodes.Status401Unauthorized, "Unauthorized");
        }

        var body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body);
        var chatId = body.TryGetProperty("chat_id", out var chat) ? chat.ToString() : "";
        var messageId = body.TryGetProperty("message_id", out var id) ? id.GetInt64() : 0;
        var text = body.TryGetProperty("text", out var value) ? value.GetString() ?? "" : "";
        var parseMode = body.TryGetProperty("parse_mode", out var mode) ? mode.GetString() : null;
        var (status, answer) = Answer(chatId, text, parseMode);
        var shown = _messages.GetValueOrDefault((chatId, messageId));
        if (status == StatusCodes.Status200OK && shown is null)
        {
            (status, answer) = (StatusCodes.Status400BadRequest, Error(StatusCodes.Status400BadRequest, "Bad Request: message to edit not found"));
        }
        else if (status == StatusCodes.Status200OK && shown == text)
        {
            (status, answer) = (StatusCodes.Status400BadRequest, Error(
                StatusCodes.Status400BadRequest,
                "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"));
        }

        _received.Enqueue(new TelegramPost(chatId, null, text, parseMode, DateTimeOffset.UtcNow, status, EditedMessageId: messageId));
        if (status != StatusCodes.Status200OK)
        {
            return answer;
        }

        _messages[(chatId, messageId)] = text;
        return Message(chatId, messageId, null, text, parseMode);
    }

    private static IResult Message(string chatId, long messageId, int? topic, string text, string? parseMode) =>
        Results.Json(new JsonObject
        {
            ["ok"] = true,
            ["result"] = new JsonObject
            {
                ["message_id"] = messageId,
                ["from"] = new JsonObject { ["id"] = 7000000001, ["is_bot"] = true, ["first_name"] = "AmoHub", ["username"] = "amohub_alerts_bot" },
                ["chat"] = new JsonObject { ["id"] = long.Parse(chatId, CultureInfo.InvariantCulture), ["title"] = "Sales alerts", ["type"] = "supergroup" },
                ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["message_thread_id"] = topic,
                ["is_topic_message"] = topic is not null,
                ["text"] = parseMode == "HTML" ? Plain(text) : text,
            },
        });

    private (int Status, IResult Answer) Answer(string chatId, string text, string? parseMode)
    {
        if (!long.TryParse(chatId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            return (StatusCodes.Status400BadRequest, Error(StatusCodes.Status400BadRequest, "Bad Request: chat not found"));
        }

        if (_blocked.ContainsKey(chatId))
        {
            return (StatusCodes.Status403Forbidden, Error(StatusCodes.Status403Forbidden, "Forbidden: bot was blocked by the user"));
        }

        if (_throttled.TryGetValue(chatId, out var throttle) && throttle.Left > 0 && _throttled.TryUpdate(chatId, throttle with { Left = throttle.Left - 1 }, throttle))
        {
            var seconds = throttle.RetryAfter;
            return (StatusCodes.Status429TooManyRequests, Results.Json(
                new JsonObject
                {
                    ["ok"] = false,
                    ["error_code"] = 429,
                    ["description"] = $"Too Many Requests: retry after {seconds}",
                    ["parameters"] = new JsonObject { ["retry_after"] = seconds },
                },
                statusCode: StatusCodes.Status429TooManyRequests));
        }

        if (parseMode == "HTML" && Unparsable(text))
        {
            return (StatusCodes.Status400BadRequest, Error(StatusCodes.Status400BadRequest, "Bad Request: can't parse entities: unsupported start tag"));
        }

        return (StatusCodes.Status200OK, Results.Empty);
    }

    private static IResult Error(int status, string description) =>
        Results.Json(new JsonObject { ["ok"] = false, ["error_code"] = status, ["description"] = description }, statusCode: status);

    /// <summary>Text Telegram's HTML parse mode refuses: a tag it does not know or a stray <c>&lt;</c>, or a bare <c>&amp;</c>.</summary>
    private static bool Unparsable(string text) => StrayMarkup().IsMatch(AllowedMarkup().Replace(text, ""));

    /// <summary>The text as a reader sees it (Telegram answers with the entities taken out).</summary>
    private static string Plain(string text) =>
        AllowedTag().Replace(text, "").Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal)
            .Replace("&quot;", "\"", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);

    [GeneratedRegex("</?(?:b|strong|i|em|u|ins|s|strike|del|code|pre|blockquote)>|&(?:lt|gt|amp|quot|#[0-9]+);", RegexOptions.CultureInvariant)]
    private static partial Regex AllowedMarkup();

    [GeneratedRegex("</?(?:b|strong|i|em|u|ins|s|strike|del|code|pre|blockquote)>", RegexOptions.CultureInvariant)]
    private static partial Regex AllowedTag();

    [GeneratedRegex("[<>&]", RegexOptions.CultureInvariant)]
    private static partial Regex StrayMarkup();
}
