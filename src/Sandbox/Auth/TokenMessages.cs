using AmoHub.Sandbox.Http;
using Microsoft.AspNetCore.Http;

namespace AmoHub.Sandbox.Auth;

/// <summary>The body of <c>POST oauth2/access_token</c>.</summary>
internal sealed record TokenRequest(string? ClientId, string? ClientSecret, string? GrantType, string? Code, string? RefreshToken, string? RedirectUri)
{
    /// <summary>Reads the body: JSON, or an <c>application/x-www-form-urlencoded</c> form, which amoCRM takes as well.</summary>
    public static async Task<Checked<TokenRequest>> ReadAsync(HttpRequest request)
    {
        if (!request.HasFormContentType)
        {
            return await RequestBody.ReadObjectAsync<TokenRequest>(request);
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return AmoProblem.Status(StatusCodes.Status400BadRequest, "The request body is not a valid form.");
        }

        return Checked.Ok(new TokenRequest(
            Field("client_id"), Field("client_secret"), Field("grant_type"), Field("code"), Field("refresh_token"), Field("redirect_uri")));

        string? Field(string name) => form.TryGetValue(name, out var value) ? value.ToString() : null;
    }
}

/// <summary>A new token pair.</summary>
internal sealed record TokenResponse(string TokenType, long ExpiresIn, string AccessToken, string RefreshToken);
