using System.Net;
using System.Text.Json;
using AmoHub.Sandbox.Tests.Infrastructure;

namespace AmoHub.Sandbox.Tests;

public sealed class AuthTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private static readonly Uri RedirectUri = new("https://hub.example/oauth/callback");

    [Fact]
    public async Task A_request_without_a_token_answers_401_problem_json()
    {
        using var client = fixture.Client(SandboxFixture.NewAccount(), authorize: false);

        using var response = await client.GetAsync("api/v4/account");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.ReadJsonAsync();
        Assert.Equal("Unauthorized", body.GetProperty("title").GetString());
        Assert.Equal("https://httpstatus.es/401", body.GetProperty("type").GetString());
        Assert.Equal(401, body.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task The_long_lived_token_is_valid_for_every_account_and_an_unknown_one_is_not()
    {
        using var first = fixture.Client(SandboxFixture.NewAccount());
        using var second = fixture.Client(SandboxFixture.NewAccount());
        using var stranger = fixture.Client(SandboxFixture.NewAccount(), token: "not-a-token");

        using var firstResponse = await first.GetAsync("api/v4/account");
        using var secondResponse = await second.GetAsync("api/v4/account");
        using var strangerResponse = await stranger.GetAsync("api/v4/account");

        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, secondResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, strangerResponse.StatusCode);
    }

    [Fact]
    public async Task An_authorization_code_trades_for_a_working_token_pair_once()
    {
        var account = SandboxFixture.NewAccount();
        using var oauth = fixture.Client(account, authorize: false);
        var code = fixture.Sandbox.CreateAuthorizationCode(account, "client", "secret", RedirectUri);

        using var first = await GrantAsync(oauth, "authorization_code", "code", code);
        using var second = await GrantAsync(oauth, "authorization_code", "code", code);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var tokens = await first.ReadJsonAsync();
        Assert.Equal("Bearer", tokens.GetProperty("token_type").GetString());
        Assert.Equal(86_400, tokens.GetProperty("expires_in").GetInt64());
        using var api = fixture.Client(account, tokens.GetProperty("access_token").GetString());
        using var call = await api.GetAsync("api/v4/account");
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
    }

    [Fact]
    public async Task A_refresh_token_works_once_and_its_second_use_answers_401_revoked()
    {
        var account = SandboxFixture.NewAccount();
        using var oauth = fixture.Client(account, authorize: false);
        var tokens = await TokensAsync(oauth, account);
        var refreshToken = tokens.GetProperty("refresh_token").GetString()!;

        using var first = await GrantAsync(oauth, "refresh_token", "refresh_token", refreshToken);
        using var second = await GrantAsync(oauth, "refresh_token", "refresh_token", refreshToken);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotEqual(refreshToken, (await first.ReadJsonAsync()).GetProperty("refresh_token").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        var problem = await second.ReadJsonAsync();
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Equal("Token has been revoked", problem.GetProperty("hint").GetString());
        Assert.Contains("revoked", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var stats = fixture.Sandbox.GetStats(account);
        Assert.Equal(1, stats.Refreshes);
        Assert.Equal(1, stats.RevokedRefreshes);
    }

    [Fact]
    public async Task A_form_encoded_token_request_trades_a_code_and_then_a_refresh_token_as_a_json_one_does()
    {
        var account = SandboxFixture.NewAccount();
        using var oauth = fixture.Client(account, authorize: false);
        var code = fixture.Sandbox.CreateAuthorizationCode(account, "client", "secret", RedirectUri);

        using var byCode = await FormGrantAsync(oauth, "authorization_code", "code", code);
        var tokens = await byCode.ReadJsonAsync();
        var refreshToken = tokens.GetProperty("refresh_token").GetString()!;
        using var refreshed = await FormGrantAsync(oauth, "refresh_token", "refresh_token", refreshToken);
        using var reused = await FormGrantAsync(oauth, "refresh_token", "refresh_token", refreshToken);

        Assert.Equal(HttpStatusCode.OK, byCode.StatusCode);
        using var api = fixture.Client(account, tokens.GetProperty("access_token").GetString());
        Assert.Equal(HttpStatusCode.OK, await api.StatusOfGetAsync("api/v4/account"));
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, reused.StatusCode);
        Assert.Equal("Token has been revoked", (await reused.ReadJsonAsync()).GetProperty("hint").GetString());
    }

    [Theory]
    [InlineData("https://HUB.example/oauth/callback")]
    [InlineData("https://hub.example/oauth/callback/")]
    [InlineData("https://hub.example/oauth/callback?x=1")]
    [InlineData("")]
    public async Task A_code_traded_with_a_redirect_uri_that_differs_by_one_character_answers_400_and_stays_unspent(string redirectUri)
    {
        var account = SandboxFixture.NewAccount();
        using var oauth = fixture.Client(account, authorize: false);
        var code = fixture.Sandbox.CreateAuthorizationCode(account, "client", "secret", RedirectUri);

        using var refused = await GrantAsync(oauth, "authorization_code", "code", code, redirectUri);
        using var exact = await GrantAsync(oauth, "authorization_code", "code", code);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("Check the `redirect_uri` parameter", (await refused.ReadJsonAsync()).GetProperty("hint").GetString());
        Assert.Equal(HttpStatusCode.OK, exact.StatusCode);
    }

    [Fact]
    public async Task A_refresh_with_another_redirect_uri_answers_400_and_leaves_the_refresh_token_usable()
    {
        var account = SandboxFixture.NewAccount();
        using var oauth = fixture.Client(account, authorize: false);
        var refreshToken = (await TokensAsync(oauth, account)).GetProperty("refresh_token").GetString()!;

        using var refused = await GrantAsync(oauth, "refresh_token", "refresh_token", refreshToken, "https://HUB.example/oauth/callback");
        using var exact = await GrantAsync(oauth, "refresh_token", "refresh_token", refreshToken);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("Check the `redirect_uri` parameter", (await refused.ReadJsonAsync()).GetProperty("hint").GetString());
        Assert.Equal(HttpStatusCode.OK, exact.StatusCode);
        Assert.Equal((1, 0), (fixture.Sandbox.GetStats(account).Refreshes, fixture.Sandbox.GetStats(account).RevokedRefreshes));
    }

    [Fact]
    public async Task A_wrong_client_secret_answers_401()
    {
        var account = SandboxFixture.NewAccount();
        using var oauth = fixture.Client(account, authorize: false);
        var code = fixture.Sandbox.CreateAuthorizationCode(account, "client", "secret", RedirectUri);

        using var response = await oauth.PostJsonAsync("oauth2/access_token", $$"""
            {"client_id":"client","client_secret":"guess","grant_type":"authorization_code","code":"{{code}}","redirect_uri":"{{RedirectUri}}"}
            """);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Expired_access_tokens_answer_401_while_the_long_lived_token_keeps_working()
    {
        var account = SandboxFixture.NewAccount();
        using var oauth = fixture.Client(account, authorize: false);
        var tokens = await TokensAsync(oauth, account);
        using var api = fixture.Client(account, tokens.GetProperty("access_token").GetString());
        using var longLived = fixture.Client(account);

        fixture.Sandbox.ExpireAccessTokens(account);
        using var expired = await api.GetAsync("api/v4/account");
        using var stillGood = await longLived.GetAsync("api/v4/account");

        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("expired", (await expired.ReadJsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, stillGood.StatusCode);
    }

    internal static async Task<JsonElement> TokensAsync(SandboxFixture fixture, HttpClient oauth, string account)
    {
        var code = fixture.Sandbox.CreateAuthorizationCode(account, "client", "secret", RedirectUri);
        using var response = await GrantAsync(oauth, "authorization_code", "code", code);
        response.EnsureSuccessStatusCode();
        return await response.ReadJsonAsync();
    }

    private Task<JsonElement> TokensAsync(HttpClient oauth, string account) => TokensAsync(fixture, oauth, account);

    private static Task<HttpResponseMessage> GrantAsync(HttpClient oauth, string grantType, string field, string value, string? redirectUri = null) =>
        oauth.PostJsonAsync("oauth2/access_token", $$"""
            {"client_id":"client","client_secret":"secret","grant_type":"{{grantType}}","{{field}}":"{{value}}","redirect_uri":"{{redirectUri ?? RedirectUri.OriginalString}}"}
            """);

    private static async Task<HttpResponseMessage> FormGrantAsync(HttpClient oauth, string grantType, string field, string value)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = "client",
            ["client_secret"] = "secret",
            ["grant_type"] = grantType,
            [field] = value,
            ["redirect_uri"] = RedirectUri.OriginalString,
        });
        return await oauth.PostAsync(new Uri("oauth2/access_token", UriKind.Relative), form);
    }
}

public sealed class ShortLivedTokenFixture() : SandboxFixture(settings => settings.AccessTokenLifetime = TimeSpan.FromSeconds(3));

public sealed class TokenLifetimeTests(ShortLivedTokenFixture fixture) : IClassFixture<ShortLivedTokenFixture>
{
    [Fact]
    public async Task An_access_token_expires_after_its_configured_lifetime()
    {
        var account = SandboxFixture.NewAccount();
        using var oauth = fixture.Client(account, authorize: false);
        var tokens = await AuthTests.TokensAsync(fixture, oauth, account);
        using var api = fixture.Client(account, tokens.GetProperty("access_token").GetString());

        using var fresh = await api.GetAsync("api/v4/account");
        var expired = await Eventually.MatchAsync(
            () => api.StatusOfGetAsync("api/v4/account"), status => status != HttpStatusCode.OK, "the token to expire");

        Assert.Equal(3, tokens.GetProperty("expires_in").GetInt64());
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, expired);
    }
}
