using System.Net;
using System.Net.Http.Json;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Monitoring;

public sealed class DigitalPipelineTests
{
    [Fact]
    public async Task The_DP_probe_is_up_only_while_amoCRMs_webhook_brings_its_marker_back_through_the_authenticated_receiver()
    {
        await using var hub = await MonitoringHost.StartAsync(StorageProvider.Sqlite);
        await Eventually.MatchAsync(() => MonitoringHost.ChecksAsync(hub), checks => checks.Status("DP") == "up", TimeSpan.FromSeconds(30), "DP to be up");
        var testContact = hub.Sandbox.Sandbox.GetContacts("sandbox").Single(c => c.Name.StartsWith("AmoHub DP probe ", StringComparison.Ordinal));

        // Point amoCRM's webhooks somewhere else: the change is still written, but no webhook comes back.
        using var moved = await hub.Http.PostAsJsonAsync("/api/amocrm/webhooks?account=sandbox", new { publicUrl = "http://127.0.0.1:9/" });
        Assert.True(moved.IsSuccessStatusCode);
        var down = await Eventually.MatchAsync(() => MonitoringHost.ChecksAsync(hub), checks => checks.Status("DP") == "down", TimeSpan.FromSeconds(60), "DP to go down");
        Assert.Equal("no_webhook", down.Reason("DP"));
        Assert.Equal("up", down.Status("GET"));

        // A delivery forged with a guessed marker at an unknown secret is refused and changes nothing.
        using var forged = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["contacts[update][0][id]"] = testContact.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["contacts[update][0][name]"] = "AmoHub DP probe 00000000000000000000000000000000",
            ["account[subdomain]"] = "sandbox",
        });
        using var refused = await hub.Http.PostAsync("/webhooks/amocrm/not-the-secret", forged);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);

        using var back = await hub.Http.PostAsJsonAsync("/api/amocrm/webhooks?account=sandbox", new { publicUrl = hub.Http.BaseAddress!.AbsoluteUri });
        Assert.True(back.IsSuccessStatusCode);
        await Eventually.MatchAsync(() => MonitoringHost.ChecksAsync(hub), checks => checks.Status("DP") == "up", TimeSpan.FromSeconds(30), "DP to recover");
        Assert.True(await hub.Database.ScalarAsync("SELECT COUNT(*) FROM health_checks WHERE check_type = 'DP' AND error_code = 'no_webhook'") > 0);
    }
}
