using System.Diagnostics;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Probes.DigitalPipeline;
using Refit;

namespace AmoHub.Grains.AmoCrm;

/// <summary>
/// The API probes' requests to amoCRM (GET, POST, HOOK, and the Digital Pipeline's rename), sent by the account
/// grain within the account's budget, and the test entities they write to. A probe's response time is its request's
/// own, never the wait for a budget slot. amoCRM refusing the account's credentials for good (a refused long-lived
/// token, a refresh refused) is down at once with the reason <see cref="CheckErrorCodes.Reauthorize"/>, and so is its
/// refusing the account's plan or payment (402, <see cref="CheckErrorCodes.PaymentRequired"/>): nothing works until
/// someone acts in amoCRM, and waiting for warnings to escalate would only delay that.
/// </summary>
public sealed class AmoCrmProbeCalls(
    IPersistentState<AccountState> state,
    Func<Task> saveState,
    Func<string> account,
    AmoCrmConnection connection,
    TimeProvider time)
{
    /// <summary>
    /// Whether the last HOOK check found AmoHub's subscription live but without some of the events AmoHub applies now
    /// (<see cref="AmoCrmWebhooks.Events"/>): one an earlier version made.
    /// </summary>
    public bool WebhookEventsMissing { get; private set; }

    /// <summary>Runs one check's request and says how it went.</summary>
    public async Task<CheckOutcome> RunAsync(CheckType checkType, TimeSpan timeout, string? marker)
    {
        if (checkType == CheckType.Web || (checkType == CheckType.Dp && string.IsNullOrEmpty(marker)))
        {
            throw new ArgumentOutOfRangeException(nameof(checkType), checkType, "The account grain probes GET, POST, HOOK and DP (with a marker) only.");
        }

        if (checkType == CheckType.Hook)
        {
            WebhookEventsMissing = false;
        }

        string token;
        long target = 0;
        try
        {
            token = await connection.AccessTokenAsync(forceRefreshOf: null);
            if (checkType == CheckType.Post)
            {
                if (await TestLeadAsync() is not { } lead)
                {
                    return NotConfigured($"No test lead is configured for the POST probe: set AmoHub:Accounts:N:TestLeadId for account {account()}.");
                }

                target = lead;
            }
            else if (checkType == CheckType.Dp)
            {
                if (state.State.WebhookDestination is null)
                {
                    return NotConfigured(
                        $"amoCRM's webhooks are not subscribed for account {account()}, so the Digital Pipeline probe cannot see its change come back: POST /api/amocrm/webhooks.");
                }

                if (await TestContactAsync() is not { } contact)
                {
                    return NotConfigured($"No test contact is configured for the Digital Pipeline probe: set AmoHub:Accounts:N:TestContactId for account {account()}.");
                }

                target = contact;
            }
        }
        catch (AmoCrmException exception)
        {
            return Failed(exception);
        }

        var outcome = await SendAsync(checkType, token, target, marker, timeout);
        if (outcome.ErrorCode != CheckErrorCodes.Unauthorized)
        {
            return outcome;
        }

        // The token was refused. An OAuth token may only have expired early: it is refreshed, the next run sends the
        // new one, and this run stays a warning. Nothing renews a long-lived token or a refresh token amoCRM refuses.
        try
        {
            await connection.RenewAsync(token);
            return outcome;
        }
        catch (AmoCrmException exception)
        {
            return Failed(exception) with { ResponseTimeMs = outcome.ResponseTimeMs, StartedAt = outcome.StartedAt };
        }
    }

    /// <summary>
    /// A probe that failed before or after its request: amoCRM refusing the credentials for good is down with
    /// <see cref="CheckErrorCodes.Reauthorize"/>; the account's plan or payment (402), amoCRM failing or limiting are
    /// down; any other failure a warning.
    /// </summary>
    private static CheckOutcome Failed(AmoCrmException exception) => exception.Failure == AmoCrmFailure.Unauthorized
        ? new CheckOutcome(HealthStatus.Down, (int?)exception.Status, exception.Message, 0, CheckErrorCodes.Reauthorize)
        : new CheckOutcome(exception.IsTransient || exception.Failure == AmoCrmFailure.PaymentRequired ? HealthStatus.Down : HealthStatus.Warning,
            (int?)exception.Status, exception.Message, 0, exception.Failure.ErrorCode());

    /// <summary>The probe's own request, in a budget slot held until its answer is in; a refused token is a warning.</summary>
    private async Task<CheckOutcome> SendAsync(CheckType checkType, string token, long target, string? marker, TimeSpan timeout)
    {
        using var budgetSlot = await connection.Budget.WaitAsync(CancellationToken.None);
        connection.CountRequest();
        var startedAt = time.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        using var deadline = new CancellationTokenSource(timeout, time);
        var api = connection.Api;
        try
        {
            using IApiResponse response = checkType switch
            {
                CheckType.Get => await api.GetAccountAsync(token, deadline.Token),
                CheckType.Hook => await api.ListWebhooksAsync(token, deadline.Token),
                CheckType.Dp => await api.UpdateContactAsync(token, target, new ContactPatch { Name = DigitalPipelineMarkers.ContactName(marker!) }, deadline.Token),
                _ => await api.UpdateLeadAsync(token, target, new LeadPatch { Price = time.GetUtcNow().ToUnixTimeSeconds() % 1_000_000 }, deadline.Token),
            };
            var elapsed = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var code = (int?)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return checkType == CheckType.Hook && WebhookTrouble(response) is { } trouble
                    ? new CheckOutcome(HealthStatus.Down, code, trouble.Message, elapsed, trouble.Code, startedAt)
                    : new CheckOutcome(HealthStatus.Up, code, null, elapsed, StartedAt: startedAt);
            }

            var failure = AmoCrmResponses.ToException(response);
            if (failure.Failure == AmoCrmFailure.RateLimited)
            {
                connection.CountRateLimited();
            }

            // Client errors (token refused, no rights, rate limited) are warnings with a reason; amoCRM failing,
            // blocking the integration or refusing the account's plan or payment is down.
            var status = failure.Failure is AmoCrmFailure.Unavailable or AmoCrmFailure.Blocked or AmoCrmFailure.PaymentRequired
                ? HealthStatus.Down
                : HealthStatus.Warning;
            return new CheckOutcome(status, code, failure.Message, elapsed, failure.Failure.ErrorCode(), startedAt);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            var elapsed = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            return deadline.IsCancellationRequested
                ? new CheckOutcome(HealthStatus.Down, null, $"amoCRM did not answer within {timeout.TotalSeconds:0.#} s.", elapsed, CheckErrorCodes.Timeout, startedAt)
                : new CheckOutcome(HealthStatus.Down, null,
                    $"The request failed: {(exception as HttpRequestException)?.HttpRequestError.ToString() ?? exception.GetType().Name}.", elapsed, CheckErrorCodes.ConnectionFailed, startedAt);
        }
    }

    /// <summary>
    /// What is wrong with AmoHub's own subscription among the webhooks amoCRM lists: gone, or switched off after failed
    /// deliveries. Nothing when AmoHub has not subscribed (the check is then of the webhooks API alone).
    /// </summary>
    private (string Code, string Message)? WebhookTrouble(IApiResponse response)
    {
        if (state.State.WebhookDestination is not { } destination || response is not IApiResponse<HalList<WebhooksEmbedded>> list)
        {
            return null;
        }

        var ours = list.Content?.Embedded?.Webhooks.Find(webhook => webhook.Destination == destination.AbsoluteUri);
        WebhookEventsMissing = ours is { Disabled: false } && AmoCrmWebhooks.Events.Except(ours.Settings ?? []).Any();
        return ours switch
        {
            null => (CheckErrorCodes.WebhookMissing, $"AmoHub's webhook destination is not subscribed in amoCRM account {account()}: changes do not arrive."),
            { Disabled: true } => (CheckErrorCodes.WebhookDisabled, $"amoCRM switched AmoHub's webhook off in account {account()} after failed deliveries: changes do not arrive."),
            _ => null,
        };
    }

    private static CheckOutcome NotConfigured(string message) =>
        new(HealthStatus.Warning, null, message, 0, CheckErrorCodes.NotConfigured);

    /// <summary>
    /// The contact the Digital Pipeline probe renames: the configured one, or in the sandbox one AmoHub creates once.
    /// A real account without a configured test contact gets none.
    /// </summary>
    private async Task<long?> TestContactAsync()
    {
        var current = state.State;
        if (current.Definition?.TestContactId is { } configured)
        {
            return configured;
        }

        if (current.Definition?.IsSandbox != true)
        {
            return null;
        }

        if (current.SandboxTestContactId is null)
        {
            var request = new List<NewAmoContact> { new() { Name = DigitalPipelineMarkers.ContactName("setup"), RequestId = "0" } };
            var answer = await connection.CallAsync((api, token, ct) => api.CreateContactsAsync(token, request, ct), retryUnknownOutcome: false);
            current.SandboxTestContactId = AmoCrmConnection.MapCreated(answer?.Embedded?.Contacts, 1, "contacts")[0];
            await saveState();
        }

        return current.SandboxTestContactId;
    }

    /// <summary>
    /// The lead the POST probe writes to: the configured one, or in the sandbox one AmoHub creates once. A real
    /// account without a configured test lead gets none: AmoHub does not put leads into a sales pipeline by itself.
    /// </summary>
    private async Task<long?> TestLeadAsync()
    {
        var current = state.State;
        if (current.Definition?.TestLeadId is { } configured)
        {
            return configured;
        }

        if (current.Definition?.IsSandbox != true)
        {
            return null;
        }

        if (current.SandboxTestLeadId is null)
        {
            var request = new List<NewAmoLead> { new() { Name = "AmoHub monitor (POST probe)", RequestId = "0" } };
            var answer = await connection.CallAsync((api, token, ct) => api.CreateLeadsAsync(token, request, ct), retryUnknownOutcome: false);
            current.SandboxTestLeadId = AmoCrmConnection.MapCreated(answer?.Embedded?.Leads, 1, "leads")[0];
            await saveState();
        }

        return current.SandboxTestLeadId;
    }
}
