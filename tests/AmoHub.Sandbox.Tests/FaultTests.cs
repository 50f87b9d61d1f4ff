using System.Diagnostics;
using System.Net;
using AmoHub.Sandbox.Faults;
using AmoHub.Sandbox.Tests.Infrastructure;

namespace AmoHub.Sandbox.Tests;

public sealed class FaultTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task A_failure_rate_of_one_answers_every_api_call_and_the_web_ui_with_the_fault_status_as_html()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        using var control = fixture.RootClient();
        fixture.Sandbox.SetFault(account, new SandboxFault(FailureRate: 1, FailureStatus: 502));

        using var api = await client.GetAsync("api/v4/account");
        using var page = await client.GetAsync("");
        using var state = await control.GetAsync($"_sandbox/accounts/{account}");
        fixture.Sandbox.ClearFaults(account);
        using var healed = await client.GetAsync("api/v4/account");

        Assert.Equal(HttpStatusCode.BadGateway, api.StatusCode);
        Assert.Equal("text/html", api.Content.Headers.ContentType?.MediaType);
        Assert.Contains("502 Bad Gateway", await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadGateway, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, state.StatusCode);
        Assert.Equal(HttpStatusCode.OK, healed.StatusCode);
    }

    [Fact]
    public async Task A_500_fault_answers_500()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        fixture.Sandbox.SetFault(account, new SandboxFault(FailureRate: 1.0));

        using var response = await client.GetAsync("api/v4/contacts");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    [Fact]
    public async Task Latency_delays_the_answer()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        fixture.Sandbox.SetFault(account, new SandboxFault(Latency: TimeSpan.FromMilliseconds(300)));

        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync("api/v4/account");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(300), $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task A_timeout_fault_never_answers_before_the_client_gives_up()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        client.Timeout = TimeSpan.FromMilliseconds(300);
        fixture.Sandbox.SetFault(account, new SandboxFault(Timeout: true));

        await Assert.ThrowsAsync<TaskCanceledException>(() => client.GetAsync("api/v4/account"));
    }

    [Fact]
    public void A_fault_out_of_range_is_refused()
    {
        var account = SandboxFixture.NewAccount();

        Assert.Throws<ArgumentOutOfRangeException>(() => fixture.Sandbox.SetFault(account, new SandboxFault(FailureRate: 1.5)));
    }
}
