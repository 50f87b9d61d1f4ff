using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Sandbox.Faults;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Monitoring;

/// <summary>From a sandbox outage to Mattermost, through the real probes, incidents and notifier.</summary>
public sealed class OutageAlertTests
{
    private const string Account = "sandbox";
    private const string Token = "sandbox-alerts";
    // Long enough for a blip to be seen, cleared and closed on a loaded machine before its alert would be due.
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(12);

    // Each test follows the incidents of its own outage: on a loaded host a check may also fail once while AmoHub
    // is starting, with an incident and perhaps alerts of its own.
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task An_outage_sends_one_DOWN_per_check_after_the_delay_and_one_RESTORED_and_a_blip_sends_nothing(StorageProvider engine)
    {
        await using var mattermost = await MattermostStandIn.StartAsync();
        // Posts are counted as Mattermost shows them, so a slow answer must not be taken for a failure and posted again.
        await using var hub = await StartAsync(engine, mattermost, deliveryTimeout: TimeSpan.FromSeconds(10));
        await MonitoringHost.WaitForAllAsync(hub, "up");

        hub.Sandbox.Sandbox.SetFault(Account, new SandboxFault(FailureRate: 1.0, FailureStatus: 503));
        await MonitoringHost.WaitForAllAsync(hub, "down");
        var opened = await MonitoringHost.WaitForOpenIncidentsAsync(hub, 5);
        var outage = MonitoringHost.Ids(opened);
        var down = await WaitForPostsAsync(mattermost, outage, 5);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(5, PostsOf(mattermost, outage).Count);
        foreach (var incident in opened)
        {
            var check = incident.GetProperty("checkType").GetString()!;
            var alert = Assert.Single(down, post => post.Body.GetRawText().Contains(check, StringComparison.Ordinal) && post.DeliveryId!.EndsWith(":down/mattermost", StringComparison.Ordinal)
                && post.DeliveryId.StartsWith($"incident:{incident.GetProperty("id").GetInt64()}:", StringComparison.Ordinal));
            Assert.True(alert.At >= incident.GetProperty("startTime").GetDateTimeOffset() + Delay, $"the {check} alert waited for the delay");
        }

        hub.Sandbox.Sandbox.ClearFaults(Account);
        await MonitoringHost.WaitForAllAsync(hub, "up");
        var all = await WaitForPostsAsync(mattermost, outage, 10);
        Assert.Equal(5, all.Count(post => post.DeliveryId!.EndsWith(":restored/mattermost", StringComparison.Ordinal)));
        Assert.All(
            (await MonitoringHost.IncidentsAsync(hub)).Where(incident => outage.Contains(incident.GetProperty("id").GetInt64())),
            incident => Assert.False(incident.GetProperty("open").GetBoolean()));

        // A blip shorter than the delay opens and closes incidents but sends nothing.
        hub.Sandbox.Sandbox.SetFault(Account, new SandboxFault(FailureRate: 1.0, FailureStatus: 503));
        await Eventually.MatchAsync(() => MonitoringHost.IncidentsAsync(hub, query: "&open=true"), found => found.Count > 0, TimeSpan.FromSeconds(10), "the blip to open an incident");
        hub.Sandbox.Sandbox.ClearFaults(Account);
        await MonitoringHost.WaitForAllAsync(hub, "up");
        await Task.Delay(Delay + TimeSpan.FromSeconds(2));
        var blip = MonitoringHost.Ids((await MonitoringHost.IncidentsAsync(hub)).Where(incident => incident.GetProperty("id").GetInt64() > outage.Max()));
        Assert.NotEmpty(blip);
        Assert.Empty(PostsOf(mattermost, blip));
        Assert.Equal(10, PostsOf(mattermost, outage).Count);
    }

    [Fact]
    public async Task Mattermost_being_down_changes_no_check_result_and_the_alert_arrives_once_it_is_back()
    {
        await using var mattermost = await MattermostStandIn.StartAsync();
        await using var hub = await StartAsync(StorageProvider.Sqlite, mattermost, deliveryTimeout: TimeSpan.FromSeconds(2));
        await MonitoringHost.WaitForAllAsync(hub, "up");
        mattermost.Behave(Token, WebhookBehaviour.Hang);

        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.All(await MonitoringHost.ChecksAsync(hub), check => Assert.Equal("up", check.GetProperty("status").GetString()));
        hub.Sandbox.Sandbox.SetFault(Account, new SandboxFault(FailureRate: 1.0, FailureStatus: 503));
        await MonitoringHost.WaitForAllAsync(hub, "down");
        await Task.Delay(Delay + TimeSpan.FromSeconds(2));
        Assert.All(await MonitoringHost.ChecksAsync(hub), check => Assert.Equal("down", check.GetProperty("status").GetString()));
        var outage = MonitoringHost.Ids(await MonitoringHost.WaitForOpenIncidentsAsync(hub, 5));
        Assert.Empty(PostsOf(mattermost, outage));

        mattermost.Behave(Token, WebhookBehaviour.Accept);
        var delivered = await WaitForPostsAsync(mattermost, outage, 5, TimeSpan.FromSeconds(60));
        Assert.Equal(5, delivered.Select(post => post.DeliveryId).Distinct().Count());
        hub.Sandbox.Sandbox.ClearFaults(Account);
        await MonitoringHost.WaitForAllAsync(hub, "up");
        await MonitoringHost.WaitForClosedAsync(hub, outage);
    }

    [Fact]
    public async Task Credentials_amoCRM_refuses_for_good_take_the_API_checks_down_at_once_with_an_incident_and_an_alert_that_say_to_authorize_again()
    {
        await using var mattermost = await MattermostStandIn.StartAsync();
        await using var amoCrm = await StandaloneSandbox.StartAsync();
        await using var hub = await StartAsync(StorageProvider.Sqlite, mattermost, deliveryTimeout: TimeSpan.FromSeconds(10));
        // A long-lived token amoCRM never issued, and an OAuth integration whose refresh token amoCRM no longer takes:
        // no refresh can help either of them.
        (string Account, object Body, string[] Checks)[] refused =
        [
            ("acme", new { subdomain = "acme", baseUrl = new Uri(amoCrm.Url, "acme/").AbsoluteUri, accessToken = "a-token-amocrm-never-issued" },
                ["GET", "HOOK"]),
            ("beta", new
            {
                subdomain = "beta", baseUrl = new Uri(amoCrm.Url, "beta/").AbsoluteUri, clientId = "amohub-client", clientSecret = "client-secret",
                redirectUri = "https://amohub.example/oauth/callback", refreshToken = "a-refresh-token-amocrm-revoked",
            }, ["GET", "POST", "HOOK", "DP"]),
        ];
        foreach (var (account, body, _) in refused)
        {
            using var added = await hub.Http.PostAsJsonAsync("/api/accounts", body);
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            await ConfigureMattermostAsync(hub, mattermost, account);
        }

        foreach (var (account, _, checks) in refused)
        {
            var incidents = await Eventually.MatchAsync(
                () => MonitoringHost.IncidentsAsync(hub, account, "&open=true"),
                open => checks.All(check => open.Any(incident => Is(incident, check, "reauthorize"))),
                TimeSpan.FromSeconds(30),
                $"{string.Join(", ", checks)} of {account} to open incidents that ask to authorize again");
            var opened = incidents.Where(incident => checks.Any(check => Is(incident, check, "reauthorize"))).ToList();
            Assert.All(opened, incident => Assert.Contains(
                "the integration must be authorized again in amoCRM", incident.GetProperty("details").GetString(), StringComparison.Ordinal));
            var ids = MonitoringHost.Ids(opened);
            var alerts = await Eventually.MatchAsync(
                () => Task.FromResult(mattermost.Accepted(TokenOf(account)).Where(post => ids.Any(id => post.DeliveryId == $"incident:{id}:down/mattermost")).ToList()),
                posts => posts.Count == ids.Count,
                TimeSpan.FromSeconds(60),
                $"a DOWN alert for each incident of {account}");
            Assert.All(alerts, alert => Assert.Contains(
                "интеграцию нужно заново авторизовать в amoCRM", alert.Body.GetProperty("attachments")[0].GetProperty("text").GetString(), StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task An_account_amoCRM_answers_402_for_takes_the_API_checks_down_at_once_and_its_alerts_name_the_plan_or_payment()
    {
        await using var mattermost = await MattermostStandIn.StartAsync();
        await using var hub = await StartAsync(StorageProvider.Sqlite, mattermost, deliveryTimeout: TimeSpan.FromSeconds(10));
        await MonitoringHost.WaitForAllAsync(hub, "up");
        string[] api = ["GET", "POST", "HOOK", "DP"];

        hub.Sandbox.Sandbox.SetFault(Account, new SandboxFault(FailureRate: 1.0, FailureStatus: 402));
        var incidents = await Eventually.MatchAsync(
            () => MonitoringHost.IncidentsAsync(hub, query: "&open=true"),
            open => api.All(check => open.Any(incident => Is(incident, check, "payment_required"))),
            TimeSpan.FromSeconds(30),
            "the API checks to open incidents for the plan or payment");
        var opened = incidents.Where(incident => api.Any(check => Is(incident, check, "payment_required"))).ToList();
        var alerts = await WaitForPostsAsync(mattermost, MonitoringHost.Ids(opened), opened.Count);
        hub.Sandbox.Sandbox.ClearFaults(Account);

        Assert.All(opened, incident => Assert.Contains("amoCRM account plan or payment (402)", incident.GetProperty("details").GetString(), StringComparison.Ordinal));
        Assert.All(alerts, alert => Assert.Contains(
            "тариф или оплата аккаунта amoCRM", alert.Body.GetProperty("attachments")[0].GetProperty("text").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_outage_during_maintenance_is_checked_and_recorded_as_maintenance_and_alerts_nobody()
    {
        await using var mattermost = await MattermostStandIn.StartAsync();
        await using var hub = await StartAsync(StorageProvider.Sqlite, mattermost, deliveryTimeout: TimeSpan.FromSeconds(10));
        await MonitoringHost.WaitForAllAsync(hub, "up");
        var now = DateTimeOffset.UtcNow;
        using var created = await hub.Http.PostAsJsonAsync("/api/maintenance", new { account = Account, from = now.AddMinutes(-1), to = now.AddHours(1) });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        await mattermost.WaitForAsync(Token, 1);

        hub.Sandbox.Sandbox.SetFault(Account, new SandboxFault(FailureRate: 1.0, FailureStatus: 503));
        await MonitoringHost.WaitForAllAsync(hub, "down");
        var opened = await MonitoringHost.WaitForOpenIncidentsAsync(hub, 5);
        var latest = opened.Max(incident => incident.GetProperty("startTime").GetDateTimeOffset());
        // Past every incident's alert delay: outside a window each would have raised its DOWN alert by now.
        await Eventually.MatchAsync(() => Task.FromResult(DateTimeOffset.UtcNow), at => at > latest + Delay, TimeSpan.FromSeconds(60), "the alert delay to pass");
        hub.Sandbox.Sandbox.ClearFaults(Account);
        await MonitoringHost.WaitForAllAsync(hub, "up");
        var outage = MonitoringHost.Ids(opened);
        await MonitoringHost.WaitForClosedAsync(hub, outage);
        using var deleted = await hub.Http.DeleteAsync(new Uri($"/api/maintenance/{id}", UriKind.Relative));
        // The end is announced after anything the outage raised, and each channel delivers in order.
        await Eventually.MatchAsync(
            () => Task.FromResult(mattermost.Accepted(Token)),
            posts => posts.Any(post => post.DeliveryId == $"maintenance:{id}:{now.AddMinutes(-1).ToUnixTimeMilliseconds()}:end/mattermost"),
            TimeSpan.FromSeconds(60),
            "the end of the maintenance to be announced");

        var everything = await StatsAsync(hub, excludeMaintenance: false);
        var outsideMaintenance = await StatsAsync(hub, excludeMaintenance: true);

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.NoContent), (created.StatusCode, deleted.StatusCode));
        Assert.All(opened, incident => Assert.True(incident.GetProperty("maintenance").GetBoolean()));
        Assert.All(everything, check => Assert.True(check.GetProperty("incidentCount").GetInt32() >= 1));
        Assert.All(outsideMaintenance, check => Assert.Equal(0, check.GetProperty("incidentCount").GetInt32()));
        Assert.True(
            outsideMaintenance.Sum(check => check.GetProperty("totalChecks").GetInt64()) < everything.Sum(check => check.GetProperty("totalChecks").GetInt64()),
            "the results taken during the window are left out");
        Assert.DoesNotContain(mattermost.Received(Token), post => outage.Any(incident => post.DeliveryId!.StartsWith($"incident:{incident}:", StringComparison.Ordinal)));
        Assert.Equal(2, mattermost.Received(Token).Count(post => post.DeliveryId!.StartsWith($"maintenance:{id}:", StringComparison.Ordinal)));
    }

    private static async Task<List<JsonElement>> StatsAsync(InProcessAmoHub hub, bool excludeMaintenance) =>
        (await hub.Http.GetFromJsonAsync<JsonElement>($"/api/stats?account={Account}&hours=1&excludeMaintenance={(excludeMaintenance ? "true" : "false")}"))
            .GetProperty("checks").EnumerateArray().ToList();

    private static bool Is(JsonElement incident, string check, string reason) =>
        incident.GetProperty("checkType").GetString() == check && incident.GetProperty("errorCode").GetString() == reason;

    /// <summary>The accepted posts about <paramref name="incidents"/> (delivery ids <c>incident:{id}:…</c>).</summary>
    private static List<ReceivedPost> PostsOf(MattermostStandIn mattermost, IReadOnlySet<long> incidents) =>
        mattermost.Accepted(Token).Where(post => post.DeliveryId is { } id && id.Split(':') is [_, var incident, ..] && incidents.Contains(long.Parse(incident, CultureInfo.InvariantCulture))).ToList();

    private static Task<List<ReceivedPost>> WaitForPostsAsync(MattermostStandIn mattermost, IReadOnlySet<long> incidents, int count, TimeSpan? timeout = null) =>
        Eventually.MatchAsync(() => Task.FromResult(PostsOf(mattermost, incidents)), posts => posts.Count >= count, timeout ?? TimeSpan.FromSeconds(60), $"{count} accepted posts about the outage");

    private static async Task<InProcessAmoHub> StartAsync(StorageProvider engine, MattermostStandIn mattermost, TimeSpan deliveryTimeout)
    {
        var hub = await MonitoringHost.StartAsync(engine, new Dictionary<string, string>
        {
            ["AmoHub:Notifications:Delay"] = Delay.ToString("c", CultureInfo.InvariantCulture),
            ["AmoHub:Notifications:RealertInterval"] = "00:00:00",
            ["AmoHub:Notifications:RetryInitial"] = "00:00:01",
            ["AmoHub:Notifications:RetryMax"] = "00:00:02",
            ["AmoHub:Notifications:DeliveryTimeout"] = deliveryTimeout.ToString("c", CultureInfo.InvariantCulture),
            ["AmoHub:Notifications:ReminderPeriod"] = "00:00:05",
        });
        await ConfigureMattermostAsync(hub, mattermost, Account);
        return hub;
    }

    /// <summary>The Mattermost token of <paramref name="account"/>'s alerts.</summary>
    private static string TokenOf(string account) => account == Account ? Token : $"{account}-alerts";

    private static async Task ConfigureMattermostAsync(InProcessAmoHub hub, MattermostStandIn mattermost, string account)
    {
        using var configured = await hub.Http.PutAsJsonAsync($"/api/accounts/{account}/notifications", new
        {
            mattermost = new { webhookUrl = mattermost.Url(TokenOf(account)).AbsoluteUri, channel = "amocrm-alerts" },
        });
        Assert.True(configured.IsSuccessStatusCode, await configured.Content.ReadAsStringAsync());
    }
}
