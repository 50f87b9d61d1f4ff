



namespace AmoHub.Tests.Infrastructure;

/// <summary>Settings for a test's AmoHub processes: free ports, a fast probe schedule, the test's database.</summary>
public static class SiloSettings
{
    /// <summary>Settings of an all-in-one or silo-only process on <paramref name="database"/>.</summary>
    public static Dictionary<string, string> For(TestDatabase database, string role = "AllInOne") =>
        new(database.Environment)
        {
            ["Urls"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["AmoHub__Hosting__Role"] = role,
            ["AmoHub__Cluster__SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AmoHub__Cluster__GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AmoHub__Cluster__AdvertisedAddress"] = "127.0.0.1",
            ["AmoHub__Sandbox__Url"] = $"http://127.0.0.1:{FreePort.Next()}/",
            ["AmoHub__Probes__Interval"] = "00:00:01",
            ["AmoHub__Probes__ReminderPeriod"] = "00:00:02",
            ["AmoHub__Operations__AllowPrivateCallbacks"] = "true",
        };

    /// <summary>Settings of a WebApi process that joins the cluster of <paramref name="database"/> as a client.</summary>
    public static Dictionary<string, string> ForWebApi(TestDatabase database) =>
        new(database.Environment)
        {
            ["Urls"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["AmoHub__Operations__AllowPrivateCallbacks"] = "true",
        };
}
