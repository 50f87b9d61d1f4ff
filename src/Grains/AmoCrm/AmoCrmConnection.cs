using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AmoHub.Grains.Interfaces.Accounts;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Security;
using Microsoft.Extensions.Logging;
using Refit;

namespace AmoHub.Grains.AmoCrm;

/// <summary>
/// One account's line to amoCRM, owned by its account grain and used on that grain's scheduler only:
/// <list type="bullet">
/// <item>every request waits for a slot of the account's <see cref="RequestBudget"/> and is counted;</item>
/// <item>the OAuth token pair is refreshed by one request at a time and written to storage before it is used
/// (refresh tokens are single-use); credentials and tokens are stored sealed by <see cref="ISecretProtector"/>;</item>
/// <item>a call is retried after a 429, after a 401 once with a refreshed token, and after a 5xx or timeout only when
/// repeating it cannot make anything twice; a 401 no refresh can fix says the integration must be authorized again.</item>
/// </list>
/// </summary>
public sealed partial class AmoCrmConnection(
    IPersistentState<AccountState> state,
    Func<Task> saveState,
    Func<string> account,
    IHttpClientFactory httpClients,
    AmoCrmSettings settings,
    TimeProvider time,
    ISecretProtector protector,
    ILogger logger)
{
    /// <summary>Name of the HttpClient used for amoCRM.</summary>
    public const string HttpClientName = "amohub.amocrm";

    private AccountSecrets _secrets = AccountSecrets.None;
    private IAmoCrmApi? _api;
    private Task<string>? _refresh;

    /// <summary>The account's request budget.</summary>
    public RequestBudget Budget { get; } = new(settings.RequestsPerSecond, settings.PacingMargin, time);

    /// <summary>Requests sent since the grain activated.</summary>
    public long RequestsTotal { get; private set; }

    /// <summary>429 answers since the grain activated.</summary>
    public long RateLimitedTotal { get; private set; }

    /// <summary>Whether the account is configured with credentials to call amoCRM with.</summary>
    public bool HasCredentials => state.State.Definition is not null && _secrets.Credentials is not null;

    private string Account => account();

    /// <summary>
    /// Opens the sealed secrets. State stored before secrets were sealed holds them in plaintext: they are sealed
    /// and the plaintext is cleared from storage at once.
    /// </summary>
    public async Task OpenAsync()
    {
        var current = state.State;
        if (current.Credentials is not null || current.AccessToken is not null || current.RefreshToken is not null)
        {
            KeepSecrets(new AccountSecrets(current.Credentials, current.AccessToken, current.RefreshToken));
            current.Credentials = null;
            current.AccessToken = null;
            current.RefreshToken = null;
            await saveState();
        }
        else if (current.SealedSecrets is { } sealedSecrets)
        {
            _secrets = AccountSecrets.Unseal(sealedSecrets, protector);
        }
    }

    /// <summary>Takes the account's definition and, when they are new, its credentials; true when anything changed (the caller stores it).</summary>
    public bool Configure(AccountDefinition definition, AccountCredentials? credentials)
    {
        var current = state.State;
        var changed = current.Definition != definition;
        // Tokens minted by one amoCRM address never go to another: a move starts again from the credentials given with it.
        var moved = current.Definition is { } before && before.BaseUrl != definition.BaseUrl;
        current.Definition = definition;
        if (moved && credentials is null)
        {
            KeepSecrets(AccountSecrets.None);
            current.CredentialsFingerprint = null;
            current.AccessTokenExpiresAt = null;
            current.AccessTokenRefreshAt = null;
        }
        else if (credentials is not null && Fingerprint(credentials) is var fingerprint && (moved || fingerprint != current.CredentialsFingerprint))
        {
            KeepSecrets(new AccountSecrets(credentials, credentials.AccessToken, credentials.RefreshToken));
            current.CredentialsFingerprint = fingerprint;
            current.AccessTokenExpiresAt = null;
            current.AccessTokenRefreshAt = null;
            changed = true;
            LogCredentialsConfigured(logger, Account, credentials.IsOAuth ? "OAuth" : "long-lived token");
        }

        if (changed)
        {
            _api = null;
        }

        return changed;
    }

    /// <summary>The Refit client for the account's base URL.</summary>
    public IAmoCrmApi Api
    {
        get
        {
            if (_api is null)
            {
                var definition = state.State.Definition
                    ?? throw new AmoCrmException(AmoCrmFailure.Unexpected, null, $"Account {Account} is not configured.");
                var http = httpClients.CreateClient(HttpClientName);
                http.BaseAddress = definition.BaseUrl;
                http.Timeout = Timeout.InfiniteTimeSpan;
                // Buffered: a body goes with its Content-Length, as amoCRM's edge expects, never chunked.
                _api = RestService.For<IAmoCrmApi>(http, new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(AmoCrmJson.Options), Buffered = true });
            }

            return _api;
        }
    }

    /// <summary>
    /// One amoCRM call within the budget. A 429 is retried after a pause (amoCRM rejected it, so nothing
    /// happened); a 401 refreshes an OAuth token once; 5xx answers and timeouts are retried only when
    /// <paramref name="retryUnknownOutcome"/> says that repeating the call cannot make anything twice.
    /// </summary>
    public async Task<T?> CallAsync<T>(Func<IAmoCrmApi, string, CancellationToken, Task<IApiResponse<T>>> call, bool retryUnknownOutcome)
        where T : class
    {
        var refreshed = false;
        for (var attempt = 1; ; attempt++)
        {
            var token = await AccessTokenAsync(forceRefreshOf: null);
            AmoCrmException failure;
            using (await Budget.WaitAsync(CancellationToken.None))
            using (var timeout = new CancellationTokenSource(settings.RequestTimeout, time))
            {
                CountRequest();
                try
                {
                    using var response = await call(Api, token, timeout.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        return AmoCrmResponses.ContentOrThrow(response);
                    }

                    failure = AmoCrmResponses.ToException(response);
                }
                catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
                {
                    failure = AmoCrmResponses.Unreachable(exception);
                }
            }

            if (failure.Failure == AmoCrmFailure.Unauthorized)
            {
                if (refreshed)
                {
                    throw new AmoCrmException(AmoCrmFailure.Unauthorized, failure.Status,
                        $"amoCRM refused the token of account {Account} (401) even after it was refreshed: the integration must be authorized again in amoCRM.");
                }

                refreshed = true;
                await RenewAsync(token);
                continue;
            }

            if (failure.Failure == AmoCrmFailure.RateLimited)
            {
                CountRateLimited();
                LogRateLimited(logger, Account);
            }

            var retry = failure.Failure == AmoCrmFailure.RateLimited || (failure.Failure == AmoCrmFailure.Unavailable && retryUnknownOutcome);
            if (!retry || attempt >= settings.MaxAttempts)
            {
                throw failure;
            }

            await BackOffAsync(attempt);
        }
    }

    /// <summary>
    /// The access token to send. For OAuth, refreshes it when it is about to expire, or when amoCRM refused
    /// <paramref name="forceRefreshOf"/> and nobody has refreshed it since. One refresh at a time: everyone else
    /// waits for it.
    /// </summary>
    public async Task<string> AccessTokenAsync(string? forceRefreshOf)
    {
        var secrets = _secrets;
        var credentials = secrets.Credentials
            ?? throw new AmoCrmException(AmoCrmFailure.Unauthorized, null, $"No amoCRM credentials are configured for account {Account}.");
        if (!credentials.IsOAuth)
        {
            return secrets.AccessToken
                ?? throw new AmoCrmException(AmoCrmFailure.Unauthorized, null, $"No amoCRM access token is configured for account {Account}.");
        }

        var fresh = secrets.AccessToken is not null
            && state.State.AccessTokenRefreshAt is { } refreshAt && refreshAt > time.GetUtcNow();
        if (fresh && (forceRefreshOf is null || forceRefreshOf != secrets.AccessToken))
        {
            return secrets.AccessToken!;
        }

        var refresh = _refresh;
        if (refresh is null || refresh.IsCompleted)
        {
            _refresh = refresh = RefreshAsync(credentials);
        }

        return await refresh;
    }

    /// <summary>
    /// Deals with amoCRM having refused <paramref name="refusedToken"/> (401): an OAuth token is refreshed, unless
    /// another request did that since; a long-lived token has nothing to renew it.
    /// </summary>
    /// <exception cref="AmoCrmException">
    /// <see cref="AmoCrmFailure.Unauthorized"/>: no refresh can help (a long-lived token, a refresh amoCRM refused),
    /// the integration must be authorized again in amoCRM.
    /// </exception>
    public async Task RenewAsync(string refusedToken)
    {
        if (_secrets.Credentials?.IsOAuth != true)
        {
            throw new AmoCrmException(AmoCrmFailure.Unauthorized, HttpStatusCode.Unauthorized,
                $"amoCRM refused the long-lived token of account {Account} (401): the integration must be authorized again in amoCRM, and its new token configured.");
        }

        await AccessTokenAsync(forceRefreshOf: refusedToken);
    }

    /// <summary>Counts a request sent (the probes send theirs past <see cref="CallAsync{T}"/>).</summary>
    public void CountRequest()
    {
        RequestsTotal++;
        AmoCrmMetrics.CountRequest(Account);
    }

    /// <summary>Counts a 429 answer.</summary>
    public void CountRateLimited()
    {
        RateLimitedTotal++;
        AmoCrmMetrics.CountRateLimited(Account);
    }

    /// <summary>Waits until the budget has room for another request, without taking it.</summary>
    public Task WaitForRoomAsync() => Budget.WaitForRoomAsync(CancellationToken.None);

    /// <summary>The pause before try <paramref name="attempt"/> + 1: 250 ms, doubling, at most 5 s.</summary>
    public Task BackOffAsync(int attempt) =>
        Task.Delay(TimeSpan.FromMilliseconds(Math.Min(250 * Math.Pow(2, attempt - 1), 5_000)), time);

    /// <summary>The ids amoCRM gave a create of <paramref name="count"/> entities, in request order.</summary>
    public static long[] MapCreated(List<CreatedEntity>? created, int count, string what)
    {
        var ids = new long[count];
        var seen = 0;
        foreach (var entity in created ?? [])
        {
            if (int.TryParse(entity.RequestId, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index >= 0 && index < count && ids[index] == 0)
            {
                ids[index] = entity.Id;
                seen++;
            }
        }

        return seen == count
            ? ids
            : throw new AmoCrmException(AmoCrmFailure.Unexpected, null, $"amoCRM answered a create of {count} {what} with {seen} matching ids.");
    }

    private async Task<string> RefreshAsync(AccountCredentials credentials)
    {
        var current = state.State;
        var refreshToken = _secrets.RefreshToken;
        var byCode = refreshToken is null;
        var request = new TokenRequest
        {
            ClientId = credentials.ClientId!,
            ClientSecret = credentials.ClientSecret ?? "",
            GrantType = byCode ? "authorization_code" : "refresh_token",
            Code = byCode ? credentials.AuthorizationCode : null,
            RefreshToken = byCode ? null : refreshToken,
            RedirectUri = credentials.RedirectUri?.OriginalString ?? "",
        };
        if (byCode && credentials.AuthorizationCode is null)
        {
            throw new AmoCrmException(AmoCrmFailure.Unauthorized, null, $"Account {Account} has neither a refresh token nor an authorization code: authorize AmoHub in amoCRM again.");
        }

        using var budgetSlot = await Budget.WaitAsync(CancellationToken.None);
        CountRequest();
        TokenResponse? token;
        using (var timeout = new CancellationTokenSource(settings.RequestTimeout, time))
        {
            try
            {
                using var response = await Api.RequestTokenAsync(request, timeout.Token);
                if (!response.IsSuccessStatusCode)
                {
                    var failure = AmoCrmResponses.ToException(response);
                    LogRefreshFailed(logger, Account, (int)response.StatusCode.GetValueOrDefault());
                    throw failure.Failure is AmoCrmFailure.Invalid or AmoCrmFailure.Unauthorized
                        ? new AmoCrmException(AmoCrmFailure.Unauthorized, response.StatusCode, $"amoCRM refused to refresh the token of account {Account} (it was revoked or used already): the integration must be authorized again in amoCRM.")
                        : failure;
                }

                token = response.Content;
            }
            catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
            {
                throw AmoCrmResponses.Unreachable(exception);
            }
        }

        if (token?.AccessToken is null || token.RefreshToken is null)
        {
            throw new AmoCrmException(AmoCrmFailure.Unexpected, null, "amoCRM's token answer had no token pair.");
        }

        // The old refresh token is dead from this moment: keep the new pair before anything uses it.
        KeepSecrets(new AccountSecrets(
            byCode ? credentials with { AuthorizationCode = null } : _secrets.Credentials, token.AccessToken, token.RefreshToken));
        // Refresh ahead of expiry: a minute early, or a fifth of the lifetime for short-lived tokens.
        var lifetime = TimeSpan.FromSeconds(token.ExpiresIn);
        current.AccessTokenExpiresAt = time.GetUtcNow() + lifetime;
        current.AccessTokenRefreshAt = current.AccessTokenExpiresAt - TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, lifetime.Ticks / 5));
        await saveState();
        LogRefreshed(logger, Account, current.AccessTokenExpiresAt);
        return token.AccessToken;
    }

    /// <summary>Takes new secrets: in memory as they are, into the state sealed (written by the caller).</summary>
    private void KeepSecrets(AccountSecrets secrets)
    {
        _secrets = secrets;
        state.State.SealedSecrets = secrets.Seal(protector);
    }

    private static string Fingerprint(AccountCredentials credentials) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new object?[]
        {
            credentials.AccessToken, credentials.ClientId, credentials.ClientSecret, credentials.RedirectUri?.AbsoluteUri,
            credentials.RefreshToken, credentials.AuthorizationCode,
        }))));

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Account {Account}: credentials configured ({Kind})")]
    private static partial void LogCredentialsConfigured(ILogger logger, string account, string kind);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Account {Account}: access token refreshed, valid until {Expires}")]
    private static partial void LogRefreshed(ILogger logger, string account, DateTimeOffset? expires);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "Account {Account}: amoCRM refused the token refresh with {Status}")]
    private static partial void LogRefreshFailed(ILogger logger, string account, int status);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Account {Account}: amoCRM answered 429 although AmoHub paces itself; another integration may share the budget")]
    private static partial void LogRateLimited(ILogger logger, string account);
}
