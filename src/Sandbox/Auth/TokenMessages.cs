
namespace AmoHub.Sandbox.Auth;

/// <summary>The body of <c>POST oauth2/access_token</c>.</summary>
internal sealed record TokenRequest(string? ClientId, string? ClientSecret, string? GrantType, string? Code, string? RefreshToken, string? RedirectUri);

/// <summary>A new token pair.</summary>
internal sealed record TokenResponse(string TokenType, long ExpiresIn, string AccessToken, string RefreshToken);
