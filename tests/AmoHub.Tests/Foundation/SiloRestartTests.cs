using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Foundation;

public sealed class SiloRestartTests
{
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_restarted_silo_keeps_grain_state_and_its_reminders_resume_the_probes(StorageProvider engine)
    {
        using var database = await TestDatabase.CreateAsync(engine);
        var settings = SiloSettings.For(database);

        // First life: the sandbox account is registered and its WEB probe reports the sandbox up.
        await using (var first = AmoHubProcess.StartSilo(settings))
        {
            await first.WaitUntilReadyAsync();
            var status = await Eventually.MatchAsync(
                () => first.Http.GetFromJsonAsync<JsonElement>("/api/status"),
                json => WebCheck(json).GetProperty("status").GetString() == "up",
                TimeSpan.FromSeconds(30),
                "the WEB probe to report the sandbox up");
            Assert.Equal("sandbox", status.GetProperty("account").GetString());
            Assert.Equal(0, await first.StopAsync());
        }

        // Second life: the sandbox is switched off and no account is configured, so nothing calls the probe
        // at start-up. Only its persisted reminder can bring it back, and it then finds the sandbox gone.
        var restartedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        settings["AmoHub__Sandbox__Enabled"] = "false";
        await using var second = AmoHubProcess.StartSilo(settings);
        await second.WaitUntilReadyAsync();
        await Eventually.MatchAsync(
            () => database.ScalarAsync($"SELECT COUNT(*) FROM health_checks WHERE check_type = 'WEB' AND status = 'down' AND timestamp > {restartedAt}"),
            count => count > 0,
            TimeSpan.FromSeconds(30),
            "a result recorded by the probe its reminder reactivated");

        var after = await second.Http.GetFromJsonAsync<JsonElement>("/api/status");
        Assert.Equal("sandbox", after.GetProperty("account").GetString());
        Assert.True(after.GetProperty("sandbox").GetBoolean());
        Assert.Equal("down", WebCheck(after).GetProperty("status").GetString());
    }

    private static JsonElement WebCheck(JsonElement status) =>
        status.GetProperty("checks").EnumerateArray().Single(check => check.GetProperty("checkType").GetString() == "WEB");
}
