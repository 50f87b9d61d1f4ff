using System.Net;
using AmoHub.Sandbox.Tests.Infrastructure;

namespace AmoHub.Sandbox.Tests;

/// <summary>An account whose subscription has ended: amoCRM answers its API with 402 until it is paid.</summary>
public sealed class UnpaidAccountTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private static readonly Uri RedirectUri = new("https://hub.example/oauth/callback");

    [Fact]
    public async Task An_unpaid_account_answers_every_api_call_402_problem_json_until_it_is_paid()
    {
        var account = SandboxFixture.NewAccount();
        using var control = fixture.RootClient();
        using var client = fixture.Client(account);
        using var anonymous = fixture.Client(account, authorize: false);

        using var unpaid = await control.PostAsync(new Uri($"_sandbox/accounts/{account}/unpaid", UriKind.Relative), null);
        using var read = await client.GetAsync("api/v4/account");
        using var list = await client.GetAsync("api/v4/contacts");
        using var write = await client.PostJsonAsync("api/v4/contacts", """[{"name":"Анна"}]""");
        using var webhooks = await client.GetAsync("api/v4/webhooks");
        using var withoutToken = await anonymous.GetAsync("api/v4/leads");
        using var state = await control.GetAsync($"_sandbox/accounts/{account}");
        using var paid = await control.DeleteAsync($"_sandbox/accounts/{account}/unpaid");
        using var afterPaying = await client.GetAsync("api/v4/account");

        Assert.Equal(HttpStatusCode.NoContent, unpaid.StatusCode);
        foreach (var response in new[] { read, list, write, webhooks, withoutToken })
        {
            Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.ReadJsonAsync();
            Assert.Equal("Payment Required", problem.GetProperty("title").GetString());
            Assert.Equal(402, problem.GetProperty("status").GetInt32());
            Assert.Contains("paid", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Empty(fixture.Sandbox.GetContacts(account));
        Assert.True((await state.ReadJsonAsync()).GetProperty("unpaid").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, paid.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterPaying.StatusCode);
        Assert.False(fixture.Sandbox.GetAccount(account).Unpaid);
    }

    [Fact]
    public async Task The_token_endpoint_of_an_unpaid_account_still_trades_an_authorization_code()
    {
        var account = SandboxFixture.NewAccount();
        using var oauth = fixture.Client(account, authorize: false);
        fixture.Sandbox.SetUnpaid(account, true);
        var code = fixture.Sandbox.CreateAuthorizationCode(account, "client", "secret", RedirectUri);

        using var response = await oauth.PostJsonAsync("oauth2/access_token", $$"""
            {"client_id":"client","client_secret":"secret","grant_type":"authorization_code","code":"{{code}}","redirect_uri":"{{RedirectUri}}"}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(fixture.Sandbox.GetAccount(account).Unpaid);
    }
}
