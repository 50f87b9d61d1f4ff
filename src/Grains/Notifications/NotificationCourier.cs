using System.Globalization;
using System.Net.Mail;
using System.Net.Sockets;
using AmoHub.Grains.Interfaces.Notifications;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AmoHub.Grains.Notifications;

/// <summary>
/// The notifier's side door for its courier: the outcome of one delivery. Implemented by the notifier grain itself
/// (same key), so outcomes are applied one at a time in the grain's own turns.
/// </summary>
public interface INotifierDeliveries : IGrainWithStringKey
{
    /// <summary>Applies the outcome of a delivery the courier made for this notifier.</summary>
    Task ReportAsync(DeliveryReport report);
}

/// <summary>
/// The outcome of one delivery: <see cref="Error"/> is null when it was delivered. <see cref="RetryAfter"/> is the
/// wait the receiver asked for (Telegram's <c>retry_after</c>); <see cref="Refused"/> says the receiver refused the
/// channel for good (a bot blocked, a chat not found), so trying the message again cannot help.
/// <see cref="MessageId"/> is the receiver's id of a delivered message, where it gives one to edit later (Telegram).
/// </summary>
[GenerateSerializer, Immutable, Alias("amohub.DeliveryReport")]
public sealed record DeliveryReport(
    [property: Id(0)] string DeliveryId,
    [property: Id(1)] NotificationChannel Channel,
    [property: Id(2)] string? Error,
    [property: Id(3)] TimeSpan? RetryAfter = null,
    [property: Id(4)] bool Refused = false,
    [property: Id(5)] long? MessageId = null);

/// <summary>
/// Makes deliveries off the grains' schedulers, on the thread pool, each bounded by the delivery timeout, and reports
/// each outcome back to its notifier. A channel that hangs holds only its own delivery: notifiers, their other
/// channels and other accounts go on. Errors are described without URLs or passwords.
/// </summary>
public sealed partial class NotificationCourier(
    IEnumerable<INotificationSender> senders,
    IGrainFactory grains,
    IOptions<NotificationOptions> options,
    ILogger<NotificationCourier> logger) : IDisposable
{
    private readonly Dictionary<NotificationChannel, INotificationSender> _senders = senders.ToDictionary(sender => sender.Channel);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Starts a delivery in the background; its outcome goes to <see cref="INotifierDeliveries.ReportAsync"/>.</summary>
    public void Dispatch(string notifierKey, string deliveryId, Alert alert, ChannelTarget target) =>
        _ = Task.Run(() => DeliverAndReportAsync(notifierKey, deliveryId, alert, target), CancellationToken.None);

    /// <summary>Tries one delivery now; answers null when delivered, else what went wrong.</summary>
    public async Task<string?> TrySendAsync(Alert alert, ChannelTarget target, string deliveryId) =>
        (await SendOnceAsync(alert, target, deliveryId)).Error;

    /// <summary>Cancels the deliveries under way (the silo is stopping); their messages stay in the outboxes.</summary>
    public void Dispose() => _stopping.Cancel();

    /// <summary>One try, and its outcome; a failure is described safely, with the wait or refusal the receiver gave.</summary>
    private async Task<DeliveryReport> SendOnceAsync(Alert alert, ChannelTarget target, string deliveryId)
    {
        ArgumentNullException.ThrowIfNull(target);
        var timeout = options.Value.DeliveryTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        deadline.CancelAfter(timeout);
        string error;
        try
        {
            var messageId = await _senders[target.Channel].SendAsync(alert, target, deliveryId, deadline.Token);
            return new DeliveryReport(deliveryId, target.Channel, null, MessageId: messageId);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"no answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException exception)
        {
            error = $"the request failed ({exception.HttpRequestError})";
        }
        catch (NotificationDeliveryException exception)
        {
            return new DeliveryReport(deliveryId, target.Channel, exception.Message, exception.RetryAfter, exception.Refused);
        }
        catch (SmtpException exception)
        {
            error = $"SMTP {exception.StatusCode}: {exception.Message}";
        }
        catch (Exception exception) when (exception is IOException or SocketException or InvalidOperationException)
        {
            error = $"the delivery failed ({exception.GetType().Name})";
        }

        return new DeliveryReport(deliveryId, target.Channel, error);
    }

    private async Task DeliverAndReportAsync(string notifierKey, string deliveryId, Alert alert, ChannelTarget target)
    {
        var report = await SendOnceAsync(alert, target, deliveryId);
        try
        {
            await grains.GetGrain<INotifierDeliveries>(notifierKey).ReportAsync(report);
        }
        catch (Exception exception) when (exception is OrleansException or TimeoutException or InvalidOperationException or ObjectDisposedException)
        {
            // The notifier notices the missing report and tries the delivery again.
            LogReportLost(logger, notifierKey, target.Channel, exception.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "The outcome of a {Channel} delivery could not reach notifier {Notifier} ({Reason}); it will be tried again")]
    private static partial void LogReportLost(ILogger logger, string notifier, NotificationChannel channel, string reason);
}
