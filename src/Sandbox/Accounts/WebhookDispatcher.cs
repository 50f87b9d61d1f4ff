using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AmoHub.Sandbox.Webhooks;
using Microsoft.Extensions.Logging;

namespace AmoHub.Sandbox.Accounts;

/// <summary>Where one delivery goes.</summary>
/// <param name="WebhookId">The subscription it is for.</param>
/// <param name="Destination">The subscription's URL.</param>
/// <param name="Retries">Cancelled when the subscription is disabled or removed: its pending retries are dropped.</param>
internal readonly record struct DeliveryTarget(long WebhookId, string Destination, CancellationToken Retries);

/// <summary>
/// Delivers webhooks in the background, as amoCRM does: a form POST, a short timeout, anything but 2xx is a
/// failure, retries after the pauses of <see cref="SandboxSettings.WebhookRetrySchedule"/>. API calls never wait for
/// deliveries.
/// </summary>
internal sealed class WebhookDispatcher(SandboxSettings settings, ILogger logger) : IAsyncDisposable
{
    private static readonly MediaTypeHeaderValue FormContentType = new("application/x-www-form-urlencoded");

    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _running = [];
    private bool _stopped;

    /// <summary>Starts delivering <paramref name="form"/> to a webhook of <paramref name="account"/>.</summary>
    public void Send(SandboxAccount account, DeliveryTarget target, IReadOnlyList<KeyValuePair<string, string>> form)
    {
        lock (_running)
        {
            if (_stopped)
            {
                return;
            }

            _running.RemoveAll(task => task.IsCompleted);
            account.DeliveryStarted();
            _running.Add(Task.Run(() => DeliverAsync(account, target, form)));
        }
    }

    /// <summary>Cancels pending retries and waits for attempts in flight to end.</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] running;
        lock (_running)
        {
            _stopped = true;
            running = [.. _running];
        }

        await _stopping.CancelAsync();
        await Task.WhenAll(running);
        _stopping.Dispose();
        _http.Dispose();
    }

    private async Task DeliverAsync(SandboxAccount account, DeliveryTarget target, IReadOnlyList<KeyValuePair<string, string>> form)
    {
        var body = string.Join('&', form.Select(pair => $"{WebUtility.UrlEncode(pair.Key)}={WebUtility.UrlEncode(pair.Value)}"));
        var schedule = settings.RetrySchedule;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var delivery = account.TakeUnreachableDelivery()
                    ? new SandboxDelivery(DateTimeOffset.UtcNow, target.WebhookId, target.Destination, attempt, null, "The subscriber could not be reached.", form, body)
                    : await PostAsync(target, attempt, form, body);
                if (delivery.Error is { } error)
                {
                    SandboxLog.DeliveryFailed(logger, target.WebhookId, account.Subdomain, attempt, error);
                }

                if (!account.RecordDelivery(delivery) || attempt > schedule.Count)
                {
                    return;
                }

                using var pause = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, target.Retries);
                await Task.Delay(settings.WallTime(schedule[attempt - 1]), pause.Token);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested || target.Retries.IsCancellationRequested)
        {
            // The sandbox stops, or the webhook was disabled or removed: pending retries are dropped.
        }
        finally
        {
            account.DeliveryEnded();
        }
    }

    private async Task<SandboxDelivery> PostAsync(DeliveryTarget target, int attempt, IReadOnlyList<KeyValuePair<string, string>> form, string body)
    {
        var at = DateTimeOffset.UtcNow;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(settings.WebhookTimeout);
        int? status = null;
        string? error;
        try
        {
            using var content = new StringContent(body, Encoding.UTF8, FormContentType);
            using var response = await _http.PostAsync(new Uri(target.Destination), content, timeout.Token);
            status = (int)response.StatusCode;
            error = response.IsSuccessStatusCode ? null : $"The subscriber answered {status}.";
        }
        catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
        {
            error = $"No answer within {settings.WebhookTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.";
        }
        catch (HttpRequestException exception)
        {
            error = exception.Message;
        }

        return new SandboxDelivery(at, target.WebhookId, target.Destination, attempt, status, error, form, body);
    }
}
