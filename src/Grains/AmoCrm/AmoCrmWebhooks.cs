using System.Collections.Immutable;
using AmoHub.Grains.Interfaces.Accounts;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;
using Microsoft.Extensions.Logging;

namespace AmoHub.Grains.AmoCrm;

/// <summary>
/// AmoHub's webhook subscription in one account, owned by its account grain: subscribes and unsubscribes the
/// destination (<c>{publicUrl}/webhooks/amocrm/{secret}</c>), registers the secret's hash with the account registry,
/// and tells whether a delivery names this account.
/// </summary>
public sealed partial class AmoCrmWebhooks(
    IPersistentState<AccountState> state,
    Func<Task> saveState,
    Func<string> account,
    AmoCrmConnection connection,
    IGrainFactory grains,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>The events AmoHub's webhook subscription asks for.</summary>
    public static readonly ImmutableArray<string> Events =
        ["add_contact", "update_contact", "delete_contact", "restore_contact", "add_lead", "update_lead", "delete_lead", "restore_lead", "status_lead"];

    /// <summary>The subscription as it stands.</summary>
    public WebhookSubscription Subscription => new(
        state.State.WebhookDestination is not null,
        state.State.WebhookDestination is null ? [] : Events,
        state.State.WebhookSince);

    private IAccountRegistryGrain Registry => grains.GetGrain<IAccountRegistryGrain>(IAccountRegistryGrain.Key);

    /// <summary>
    /// Subscribing, unsubscribing and subscribing again take turns: the account grain is reentrant, and a HOOK check's
    /// recovery that read the destination before a move and wrote after it would move the webhook back.
    /// </summary>
    private Task _turn = Task.CompletedTask;

    /// <summary>Subscribes the destination under <paramref name="publicBaseUrl"/>, moving an earlier one there.</summary>
    public async Task<WebhookSubscription> SubscribeAsync(Uri publicBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(publicBaseUrl);
        return await InTurnAsync(() => SubscribeInTurnAsync(publicBaseUrl));
    }

    /// <summary>
    /// Subscribes the destination AmoHub has now once more (amoCRM dropped it, switched it off, or it lacks events);
    /// false when AmoHub has none.
    /// </summary>
    public Task<bool> ResubscribeAsync() => InTurnAsync(async () =>
    {
        if (state.State.WebhookDestination is not { } destination)
        {
            return false;
        }

        // The destination is {publicUrl}webhooks/amocrm/{secret}.
        await SubscribeInTurnAsync(new Uri(destination, "../../"));
        return true;
    });

    private async Task<WebhookSubscription> SubscribeInTurnAsync(Uri publicBaseUrl)
    {
        var current = state.State;
        var secret = current.WebhookSecret ?? WebhookSecrets.Create();
        var destination = new Uri(publicBaseUrl, $"webhooks/amocrm/{secret}");
        if (current.WebhookDestination is { } previous && previous != destination)
        {
            await connection.CallAsync((api, token, ct) => api.UnsubscribeWebhookAsync(token, new WebhookUnsubscribeRequest { Destination = previous.AbsoluteUri }, ct), retryUnknownOutcome: true);
        }

        await connection.CallAsync(
            (api, token, ct) => api.SubscribeWebhookAsync(token, new WebhookSubscribeRequest { Destination = destination.AbsoluteUri, Settings = [.. Events] }, ct),
            retryUnknownOutcome: true);
        var subdomain = account();
        await Registry.RegisterWebhookAsync(WebhookSecrets.Hash(secret), subdomain);
        current.WebhookSecret = secret;
        current.WebhookDestination = destination;
        current.WebhookSince ??= time.GetUtcNow();
        await saveState();
        LogSubscribed(logger, subdomain);
        return Subscription;
    }

    /// <summary>Unsubscribes the destination and forgets its secret.</summary>
    public Task<WebhookSubscription> UnsubscribeAsync() => InTurnAsync(UnsubscribeInTurnAsync);

    /// <summary>Runs <paramref name="work"/> once the change before it has ended (the grain's scheduler runs one turn at a time).</summary>
    private async Task<T> InTurnAsync<T>(Func<Task<T>> work)
    {
        var previous = _turn;
        var mine = new TaskCompletionSource();
        _turn = mine.Task;
        try
        {
            await previous;
            return await work();
        }
        finally
        {
            mine.SetResult();
        }
    }

    private async Task<WebhookSubscription> UnsubscribeInTurnAsync()
    {
        var current = state.State;
        if (current.WebhookDestination is { } destination)
        {
            await connection.CallAsync((api, token, ct) => api.UnsubscribeWebhookAsync(token, new WebhookUnsubscribeRequest { Destination = destination.AbsoluteUri }, ct), retryUnknownOutcome: true);
        }

        if (current.WebhookSecret is { } secret)
        {
            await Registry.UnregisterWebhookAsync(WebhookSecrets.Hash(secret));
        }

        current.WebhookSecret = null;
        current.WebhookDestination = null;
        current.WebhookSince = null;
        await saveState();
        var subdomain = account();
        LogUnsubscribed(logger, subdomain);
        return Subscription;
    }

    /// <summary>Whether a delivery naming <paramref name="subdomain"/> and <paramref name="amoCrmAccountId"/> is this account's.</summary>
    public async Task<bool> OwnsDeliveryAsync(string? subdomain, long? amoCrmAccountId)
    {
        if (subdomain is null && amoCrmAccountId is null)
        {
            return false;
        }

        if (subdomain is not null && !string.Equals(subdomain, account(), StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return amoCrmAccountId is null || amoCrmAccountId == await AmoCrmAccountIdAsync();
    }

    private async Task<long> AmoCrmAccountIdAsync()
    {
        if (state.State.AmoCrmAccountId is { } known)
        {
            return known;
        }

        var answer = await connection.CallAsync((api, token, ct) => api.GetAccountAsync(token, ct), retryUnknownOutcome: true)
            ?? throw new AmoCrmException(AmoCrmFailure.Unexpected, null, "amoCRM answered GET /api/v4/account with no content.");
        state.State.AmoCrmAccountId = answer.Id;
        await saveState();
        return answer.Id;
    }

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Account {Account}: webhooks subscribed")]
    private static partial void LogSubscribed(ILogger logger, string account);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "Account {Account}: webhooks unsubscribed")]
    private static partial void LogUnsubscribed(ILogger logger, string account);
}
