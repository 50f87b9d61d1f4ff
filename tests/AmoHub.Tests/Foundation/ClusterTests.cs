using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Foundation;

public sealed class ClusterTests
{
    [Fact]
    public async Task Two_silos_and_a_separate_WebApi_form_one_cluster_on_MariaDB()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.MySql);
        var silo = SiloSettings.For(database, role: "Silo");
        silo["AmoHub__Accounts__0__Subdomain"] = "acme";
        silo["AmoHub__Accounts__0__BaseUrl"] = silo["AmoHub__Sandbox__Url"];
        var otherSilo = SiloSettings.For(database, role: "Silo");
        otherSilo["AmoHub__Accounts__0__Subdomain"] = "acme";
        otherSilo["AmoHub__Accounts__0__BaseUrl"] = silo["AmoHub__Sandbox__Url"];

        await using var first = AmoHubProcess.StartSilo(silo);
        await first.WaitUntilReadyAsync();
        await using var second = AmoHubProcess.StartSilo(otherSilo);
        await second.WaitUntilReadyAsync();
        await using var webApi = AmoHubProcess.StartWebApi(SiloSettings.ForWebApi(database));
        await webApi.WaitUntilReadyAsync();

        var cluster = await Eventually.MatchAsync(
            () => webApi.Http.GetFromJsonAsync<JsonElement>("/api/cluster"),
            json => json.GetProperty("silos").EnumerateArray().Count(s => s.GetProperty("status").GetString() == "Active") == 2,
            TimeSpan.FromSeconds(30),
            "both silos active in the cluster view");
        Assert.Equal(2, cluster.GetProperty("silos").GetArrayLength());

        // A grain call from the WebApi process: the registry and the probe grains live on the silos.
        var status = await webApi.Http.GetFromJsonAsync<JsonElement>("/api/status?account=acme");
        Assert.Equal("acme", status.GetProperty("account").GetString());
        Assert.False(status.GetProperty("sandbox").GetBoolean());
        Assert.Contains(status.GetProperty("checks").EnumerateArray(), check => check.GetProperty("checkType").GetString() == "WEB");
    }
}
