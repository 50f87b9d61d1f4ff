using System.Net;
using AmoHub.Sandbox.Seeding;
using AmoHub.Sandbox.Tests.Infrastructure;

namespace AmoHub.Sandbox.Tests;

/// <summary>A real account serves fewer items a page than <c>limit</c> asks for: a client must follow <c>_links.next</c>.</summary>
public sealed class PageCapTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    [Theory]
    [InlineData("contacts")]
    [InlineData("leads")]
    public async Task A_capped_account_answers_at_most_its_cap_a_page_and_links_every_next_page(string entity)
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        fixture.Sandbox.Seed(account, new SandboxSeed(Contacts: 7, Leads: 7, Seed: 5));
        fixture.Sandbox.SetPageCap(account, 3);

        var sizes = new List<int>();
        var ids = new List<long>();
        for (var next = $"api/v4/{entity}?limit=250"; next is not null;)
        {
            using var response = await client.GetAsync(new Uri(next, UriKind.RelativeOrAbsolute));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.ReadJsonAsync();
            var items = body.GetProperty("_embedded").GetProperty(entity).EnumerateArray().ToList();
            sizes.Add(items.Count);
            ids.AddRange(items.Select(item => item.GetProperty("id").GetInt64()));
            next = body.GetProperty("_links").TryGetProperty("next", out var link) ? link.GetProperty("href").GetString() : null;
        }

        Assert.Equal([3, 3, 1], sizes);
        Assert.Equal(7, ids.Distinct().Count());
    }

    [Fact]
    public async Task A_cap_set_over_http_caps_every_page_until_it_is_removed()
    {
        var account = SandboxFixture.NewAccount();
        using var control = fixture.RootClient();
        using var client = fixture.Client(account);
        fixture.Sandbox.Seed(account, new SandboxSeed(Contacts: 7, Seed: 5));

        using var set = await control.PostJsonAsync($"_sandbox/accounts/{account}/page-cap", """{"cap":3}""");
        using var capped = await client.GetAsync("api/v4/contacts?limit=250");
        using var removed = await control.DeleteAsync($"_sandbox/accounts/{account}/page-cap");
        using var whole = await client.GetAsync("api/v4/contacts?limit=250");

        Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);
        var cappedPage = await capped.ReadJsonAsync();
        Assert.Equal(3, cappedPage.GetProperty("_embedded").GetProperty("contacts").GetArrayLength());
        Assert.True(cappedPage.GetProperty("_links").TryGetProperty("next", out _));
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        var wholePage = await whole.ReadJsonAsync();
        Assert.Equal(7, wholePage.GetProperty("_embedded").GetProperty("contacts").GetArrayLength());
        Assert.False(wholePage.GetProperty("_links").TryGetProperty("next", out _));
    }

    [Theory]
    [InlineData("""{"cap":0}""")]
    [InlineData("""{"cap":251}""")]
    [InlineData("""{"cap":2.5}""")]
    [InlineData("""{"cap":"3"}""")]
    [InlineData("""{"cap":null}""")]
    [InlineData("""{}""")]
    public async Task A_cap_over_http_that_is_not_a_whole_number_from_1_to_250_answers_400_naming_cap(string body)
    {
        var account = SandboxFixture.NewAccount();
        using var control = fixture.RootClient();

        using var response = await control.PostJsonAsync($"_sandbox/accounts/{account}/page-cap", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty("cap", out _));
    }

    [Fact]
    public void A_cap_outside_1_to_250_is_refused()
    {
        var account = SandboxFixture.NewAccount();
        fixture.Sandbox.Seed(account, new SandboxSeed(Contacts: 1));

        Assert.Throws<ArgumentOutOfRangeException>(() => fixture.Sandbox.SetPageCap(account, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => fixture.Sandbox.SetPageCap(account, 251));
    }
}
