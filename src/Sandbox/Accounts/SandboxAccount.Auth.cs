using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using AmoHub.Sandbox.Auth;
using AmoHub.Sandbox.Http;
using Microsoft.AspNetCore.Http;

namespace AmoHub.Sandbox.Accounts;

internal sealed partial class SandboxAccount
{
    private const string AuthorizationCodeGrant = "authorization_code";
    private const string RefreshTokenGrant = "refresh_token";

    private static readonly TimeSpan AuthorizationCodeLifetime = TimeSpan.FromMinutes(20);
    private static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(90);

    private readonly Dictionary<string, DateTimeOffset> _accessTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OAuthGrant> _refreshTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OAuthGrant> _authorizationCodes = new(StringComparer.Ordinal);
    private long _refreshes;
    private long _revokedRefreshes;

    /// <summary>Makes a random token: 256 bits, URL-safe.</summary>
    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// Checks a bearer token: the long-lived token or an unexpired access token of this account. Returns why it
    /// is refused, or <c>null</c> when it is good.
    /// </summary>
    public string? Authenticate(string? token)
    {
        var now = DateTimeOffset.UtcNow;
        lock (_lock)
        {
            string detail;
            if (token is null)
            {
                detail = "The request carries no bearer access token.";
            }
            else if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(_longLivedToken)))
            {
                return null;
            }
            else if (_accessTokens.TryGetValue(token, out var expiresAt))
            {
                if (expiresAt > now)
                {
                    return null;
                }

                detail = "The access token has expired.";
            }
            else
            {
                detail = "The access token is not valid for this account.";
            }

            _unauthorized++;
            return detail;
        }
    }

    /// <summary>
    /// Makes a single-use authorization code for an integration, as the user's consent screen would. The redirect URI
    /// is kept as written (<see cref="Uri.OriginalString"/>): token requests must send it character by character.
    /// </summary>
    public string CreateAuthorizationCode(string clientId, string clientSecret, Uri redirectUri)
    {
        var code = NewToken();
        lock (_lock)
        {
            _authorizationCodes[code] = new OAuthGrant(clientId, clientSecret, redirectUri.OriginalString, DateTimeOffset.UtcNow + AuthorizationCodeLifetime);
        }

        return code;
    }

    /// <summary>Ends every access token issued for this account; the long-lived token stays valid.</summary>
    public void ExpireAccessTokens()
    {
        lock (_lock)
        {
            foreach (var token in _accessTokens.Keys)
            {
                _accessTokens[token] = DateTimeOffset.MinValue;
            }
        }
    }

    /// <summary>
    /// Trades an authorization code or a refresh token for a new token pair. Codes and refresh tokens are
    /// single-use: a second use of a refresh token answers 401 "Token has been revoked". Both grants must send the
    /// integration's redirect URI exactly as it was authorized (an ordinal comparison); a refused request spends nothing.
    /// </summary>
    public Checked<TokenResponse> Exchange(TokenRequest request)
    {
        if (request.ClientId is not { Length: > 0 } clientId || request.ClientSecret is not { Length: > 0 } clientSecret)
        {
            return AmoProblem.OAuth(StatusCodes.Status400BadRequest, "Check the `client_id` and `client_secret` parameters", "The client credentials are missing.");
        }

        var now = DateTimeOffset.UtcNow;
        lock (_lock)
        {
            OAuthGrant? grant;
            switch (request.GrantType)
            {
                case AuthorizationCodeGrant:
                    if (request.Code is null || !_authorizationCodes.TryGetValue(request.Code, out grant))
                    {
                        return AmoProblem.OAuth(StatusCodes.Status400BadRequest, "Cannot decrypt the authorization code", "The authorization code is not valid.");
                    }

                    if (!grant.IsFor(clientId, clientSecret))
                    {
                        return ClientAuthenticationFailed();
                    }

                    if (grant.Used)
                    {
                        return AmoProblem.OAuth(StatusCodes.Status400BadRequest, "Authorization code has been revoked", "The authorization code has been revoked: it was already used.");
                    }

                    if (grant.ExpiresAt <= now)
                    {
                        return AmoProblem.OAuth(StatusCodes.Status400BadRequest, "Authorization code has expired", "The authorization code has expired.");
                    }

                    break;

                case RefreshTokenGrant:
                    if (request.RefreshToken is null || !_refreshTokens.TryGetValue(request.RefreshToken, out grant))
                    {
                        return AmoProblem.OAuth(StatusCodes.Status400BadRequest, "Cannot decrypt the refresh token", "The refresh token is not valid.");
                    }

                    if (!grant.IsFor(clientId, clientSecret))
                    {
                        return ClientAuthenticationFailed();
                    }

                    if (grant.Used)
                    {
                        _revokedRefreshes++;
                        return AmoProblem.OAuth(StatusCodes.Status401Unauthorized, "Token has been revoked", "The refresh token has been revoked: it was already used.");
                    }

                    if (grant.ExpiresAt <= now)
                    {
                        return AmoProblem.OAuth(StatusCodes.Status400BadRequest, "Token has expired", "The refresh token has expired.");
                    }

                    break;

                default:
                    return AmoProblem.OAuth(StatusCodes.Status400BadRequest, "Check the `grant_type` parameter", "The grant type is not supported.");
            }

            if (!string.Equals(request.RedirectUri, grant.RedirectUri, StringComparison.Ordinal))
            {
                return AmoProblem.OAuth(
                    StatusCodes.Status400BadRequest, "Check the `redirect_uri` parameter", "The redirect URI does not match the integration's, character by character.");
            }

            if (request.GrantType == RefreshTokenGrant)
            {
                _refreshes++;
            }

            grant.Used = true;
            var accessToken = NewToken();
            var refreshToken = NewToken();
            _accessTokens[accessToken] = now + _settings.AccessTokenLifetime;
            _refreshTokens[refreshToken] = grant with { ExpiresAt = now + RefreshTokenLifetime, Used = false };
            return Checked.Ok(new TokenResponse("Bearer", (long)_settings.AccessTokenLifetime.TotalSeconds, accessToken, refreshToken));
        }
    }

    private static AmoProblem ClientAuthenticationFailed() =>
        AmoProblem.OAuth(StatusCodes.Status401Unauthorized, "Client authentication failed", "The client id or secret is wrong.");

    /// <summary>An authorization code or refresh token: whose it is, until when, and whether it was spent.</summary>
    private sealed record OAuthGrant(string ClientId, string ClientSecret, string RedirectUri, DateTimeOffset ExpiresAt)
    {
        public bool Used { get; set; }

        public bool IsFor(string clientId, string clientSecret) =>
            string.Equals(clientId, ClientId, StringComparison.Ordinal) && string.Equals(clientSecret, ClientSecret, StringComparison.Ordinal);
    }
}
