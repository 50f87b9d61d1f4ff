using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Grains.Interfaces.Crm;
using Microsoft.Extensions.Logging;

namespace AmoHub.Grains.Crm.Operations;

/// <summary>
/// Sends a finished operation to its <c>callbackUrl</c>: a POST of the operation as <c>GET /api/operations/{id}</c>
/// shows it, with <c>AmoHub-Delivery</c> (the operation's id, the same on every attempt, so a receiver can drop a
/// repeat) and <c>AmoHub-Attempt</c>. Any 2xx ends it; otherwise it is sent again on a widening schedule, at least once.
/// </summary>
public sealed partial class OperationCallbacks(IHttpClientFactory clients, ILogger<OperationCallbacks> logger)
{
    /// <summary>The named HttpClient callbacks go out on.</summary>
    public const string HttpClientName = "amohub.callbacks";

    /// <summary>The pause before each further attempt; after the last one AmoHub gives up and logs it.</summary>
    public static readonly IReadOnlyList<TimeSpan> RetrySchedule =
    [
        TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), TimeSpan.FromHours(3), TimeSpan.FromHours(6),
    ];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Sends one attempt; true when the receiver answered 2xx.</summary>
    public async Task<bool> SendAsync(string account, Operation operation, int attempt)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (operation.CallbackUrl is not { } url)
        {
            return true;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = JsonContent.Create(OperationResponse.From(operation), options: Json),
        };
        request.Headers.Add("AmoHub-Delivery", operation.Id);
        request.Headers.Add("AmoHub-Attempt", attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var deadline = new CancellationTokenSource(Timeout);
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, deadline.Token);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }

            LogRefused(logger, account, operation.Id, (int)response.StatusCode, attempt);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            LogUnreachable(logger, account, operation.Id, attempt, exception.GetType().Name);
        }

        return false;
    }

    [LoggerMessage(EventId = 4021, Level = LogLevel.Warning, Message = "Account {Account}: the callback of operation {Operation} was answered {Status} (attempt {Attempt})")]
    private static partial void LogRefused(ILogger logger, string account, string? operation, int status, int attempt);

    [LoggerMessage(EventId = 4022, Level = LogLevel.Warning, Message = "Account {Account}: the callback of operation {Operation} could not be delivered: {Error} (attempt {Attempt})")]
    private static partial void LogUnreachable(ILogger logger, string account, string? operation, int attempt, string error);
}
