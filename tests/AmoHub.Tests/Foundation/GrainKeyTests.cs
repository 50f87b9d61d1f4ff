using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Foundation;

public sealed class GrainKeyTests
{
    [Theory]
    [InlineData("c1")]
    [InlineData("00c1")]
    [InlineData("0")]
    [InlineData("ffffffffffffffff")]
    [InlineData("deadbeef")]
    [InlineData("123")]
    public void No_grain_key_parses_as_a_number_or_a_guid(string account)
    {
        string[] keys =
        [
            GrainKeys.Account(account), .. CheckTypes.All.Select(check => GrainKeys.Probe(account, check)),
            GrainKeys.Phone(account, "+79031234567"), GrainKeys.Email(account, "ACE@BEEF.CAFE"), GrainKeys.Digest(account),
        ];

        foreach (var key in keys)
        {
            Assert.False(long.TryParse(key, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out _), key);
            Assert.False(Guid.TryParse(key, out _), key);
            Assert.Contains(key, character => !Uri.IsHexDigit(character));
        }
    }

    [Fact]
    public void A_probe_key_round_trips_to_its_account_and_check()
    {
        var key = GrainKeys.Probe("00C1", CheckType.Hook);

        Assert.Equal("00c1/probe:HOOK", key);
        Assert.Equal(("00c1", CheckType.Hook), GrainKeys.ParseProbe(key));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Accounts_c1_and_00c1_keep_separate_grain_state(StorageProvider engine)
    {
        using var database = await TestDatabase.CreateAsync(engine);
        var settings = SiloSettings.For(database);
        settings["AmoHub__Sandbox__Enabled"] = "false";
        settings["AmoHub__Accounts__0__Subdomain"] = "c1";
        settings["AmoHub__Accounts__0__BaseUrl"] = "http://127.0.0.1:9/c1";
        settings["AmoHub__Accounts__1__Subdomain"] = "00c1";
        settings["AmoHub__Accounts__1__BaseUrl"] = "http://127.0.0.1:9/00c1";

        await using var silo = AmoHubProcess.StartSilo(settings);
        await silo.WaitUntilReadyAsync();

        Assert.Equal(2, await database.ScalarAsync(
            "SELECT COUNT(*) FROM OrleansGrainState WHERE GrainIdExtensionString IN ('c1/probe:WEB', '00c1/probe:WEB')"));
        foreach (var account in new[] { "c1", "00c1" })
        {
            var status = await silo.Http.GetFromJsonAsync<JsonElement>($"/api/status?account={account}");
            Assert.Equal(account, status.GetProperty("account").GetString());
        }
    }
}
