using System.Net;
using AmoHub.Sandbox.Tests.Infrastructure;

namespace AmoHub.Sandbox.Tests;

public sealed class RateLimitTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task The_eighth_request_within_a_second_answers_429_with_an_html_page_and_no_retry_after()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.GetAsync("api/v4/account")));

        Assert.Equal(7, responses.Count(response => response.StatusCode == HttpStatusCode.OK));
        var refused = Assert.Single(responses, response => response.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("429 Too Many Requests", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(refused.Headers.RetryAfter);
        var stats = fixture.Sandbox.GetStats(account);
        Assert.Equal(8, stats.Requests);
        Assert.Equal(1, stats.TooManyRequests);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Repeated_429s_block_the_account_with_403_html_until_it_is_unblocked()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);

        // 7 pass, then the fixture blocks after more than 5 answers 429.
        var burst = await Task.WhenAll(Enumerable.Range(0, 13).Select(_ => client.GetAsync("api/v4/account")));
        using var blocked = await client.GetAsync("api/v4/account");

        Assert.True(fixture.Sandbox.GetAccount(account).Blocked);
        Assert.Equal(HttpStatusCode.Forbidden, blocked.StatusCode);
        Assert.Equal("text/html", blocked.Content.Headers.ContentType?.MediaType);
        fixture.Sandbox.Unblock(account);
        await Eventually.MatchAsync(
            () => client.StatusOfGetAsync("api/v4/account"), status => status == HttpStatusCode.OK, "the account to answer again");
        foreach (var response in burst)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task OAuth_and_the_web_ui_are_not_rate_limited()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account, authorize: false);

        var pages = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.GetAsync("")));
        var grants = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.PostJsonAsync(
            "oauth2/access_token", """{"client_id":"c","client_secret":"s","grant_type":"refresh_token","refresh_token":"unknown"}""")));

        Assert.All(pages, page => Assert.Equal(HttpStatusCode.OK, page.StatusCode));
        Assert.All(grants, grant => Assert.Equal(HttpStatusCode.BadRequest, grant.StatusCode));
        Assert.Equal(0, fixture.Sandbox.GetStats(account).TooManyRequests);
        foreach (var response in pages.Concat(grants))
        {
            response.Dispose();
        }
    }
}
