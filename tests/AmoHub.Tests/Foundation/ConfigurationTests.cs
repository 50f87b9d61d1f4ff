using AmoHub.ServiceDefaults.Configuration;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace AmoHub.Tests.Foundation;

public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("AmoHub__Storage__Provider", "Postgres", "AmoHub:Storage:Provider")]
    [InlineData("AmoHub__Storage__Provider", "MySql", "AmoHub:Storage:ConnectionString")]
    [InlineData("AmoHub__Storage__SqliteDurability", "Fsync", "AmoHub:Storage:SqliteDurability")]
    [InlineData("AmoHub__Cluster__GatewayPort", "70000", "AmoHub:Cluster:GatewayPort")]
    [InlineData("AmoHub__Probes__Interval", "soon", "AmoHub:Probes:Interval")]
    [InlineData("AmoHub__Accounts__0__Subdomain", "not a subdomain!", "AmoHub:Accounts:0:Subdomain")]
    [InlineData("AmoHub__Accounts__0__DefaultPipelineId", "0", "AmoHub:Accounts:0:DefaultPipelineId")]
    [InlineData("AmoHub__OrleansDashboard__CounterUpdateInterval", "00:00:00.100", "AmoHub:OrleansDashboard:CounterUpdateInterval")]
    [InlineData("DB_PORT", "abc", "DB_PORT")]
    public async Task A_bad_setting_stops_start_up_with_a_message_naming_the_key(string variable, string value, string key)
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        var settings = SiloSettings.For(database);
        settings.Remove("AmoHub__Storage__ConnectionString");
        settings[variable] = value;
        if (variable == "DB_PORT")
        {
            settings["DB_HOST"] = "127.0.0.1";
        }

        await using var silo = AmoHubProcess.StartSilo(settings);
        var exitCode = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        Assert.Contains(key, silo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_database_stops_start_up_with_a_clear_message_and_no_password()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        var settings = SiloSettings.For(database);
        settings["AmoHub__Storage__Provider"] = "MySql";
        settings["AmoHub__Storage__ConnectionString"] = $"Server=127.0.0.1;Port={FreePort.Next()};User ID=amohub;Password=hunter2;Connection Timeout=2";

        await using var silo = AmoHubProcess.StartSilo(settings);
        var exitCode = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(3, exitCode);
        Assert.Contains("AmoHub:Storage:ConnectionString does not answer", silo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_reference_deployments_DB_variables_select_MySQL()
    {
        var variables = new Dictionary<string, string?>
        {
            ["DB_HOST"] = "db.internal",
            ["DB_PORT"] = "3307",
            ["DB_USER"] = "crm",
            ["DB_PASSWORD"] = "s3cret",
            ["DB_NAME"] = "integration",
        };
        var configuration = new ConfigurationBuilder().Add(new LegacyEnvironmentVariables(name => variables.GetValueOrDefault(name))).Build();

        var storage = ValidatedSettings.Get<StorageSettings>(configuration, StorageSettings.Section);

        Assert.Equal(StorageProvider.MySql, storage.Provider);
        var connection = new MySqlConnector.MySqlConnectionStringBuilder(storage.ConnectionString!);
        Assert.Equal(("db.internal", 3307u, "crm", "s3cret", "integration"), (connection.Server, connection.Port, connection.UserID, connection.Password, connection.Database));
    }

    [Fact]
    public void The_reference_deployments_amoCRM_variables_become_the_first_account()
    {
        var variables = new Dictionary<string, string?>
        {
            ["AMOCRM_DOMAIN"] = "acme.amocrm.ru",
            ["AMOCRM_ACCESS_TOKEN"] = "old-access",
            ["AMOCRM_CLIENT_ID"] = "client",
            ["AMOCRM_CLIENT_SECRET"] = "secret",
            ["AMOCRM_REDIRECT_URI"] = "https://monitor.example/callback",
            ["AMOCRM_REFRESH_TOKEN"] = "refresh",
        };
        var configuration = new ConfigurationBuilder().Add(new LegacyEnvironmentVariables(name => variables.GetValueOrDefault(name))).Build();

        var account = ValidatedSettings.Get<AmoHub.Grains.Accounts.AccountSettings>(configuration, "AmoHub:Accounts:0");

        Assert.Equal(("acme", "https://acme.amocrm.ru/"), (account.Subdomain, account.BaseUrl?.AbsoluteUri));
        var credentials = account.ToCredentials();
        Assert.NotNull(credentials);
        Assert.True(credentials.IsOAuth);
        Assert.Equal(("client", "secret", "refresh", (string?)null), (credentials.ClientId, credentials.ClientSecret, credentials.RefreshToken, credentials.AccessToken));
        Assert.DoesNotContain("secret", credentials.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30000", "5000", 30, 5)]
    [InlineData("60", "15", 60, 15)]
    public void The_reference_monitors_interval_and_timeout_variables_set_the_probes_in_milliseconds(string interval, string timeout, int intervalSeconds, int timeoutSeconds)
    {
        var variables = new Dictionary<string, string?> { ["CHECK_INTERVAL"] = interval, ["TIMEOUT_THRESHOLD"] = timeout };
        var configuration = new ConfigurationBuilder().Add(new LegacyEnvironmentVariables(name => variables.GetValueOrDefault(name))).Build();

        var probes = ValidatedSettings.Get<AmoHub.Grains.Probes.ProbeSchedule>(configuration, AmoHub.Grains.Probes.ProbeSchedule.Section);

        Assert.Equal((TimeSpan.FromSeconds(intervalSeconds), TimeSpan.FromSeconds(timeoutSeconds)), (probes.Interval, probes.Timeout));
    }

    [Fact]
    public void A_bad_reference_interval_or_threshold_names_its_key()
    {
        var variables = new Dictionary<string, string?> { ["CHECK_INTERVAL"] = "half a minute" };
        var badVariable = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => new ConfigurationBuilder().Add(new LegacyEnvironmentVariables(name => variables.GetValueOrDefault(name))).Build());
        var thresholds = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AmoHub:Probes:Thresholds:Post:Warning"] = "00:00:09",
        }).Build();
        var badThreshold = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => ValidatedSettings.Get<AmoHub.Grains.Probes.ProbeSchedule>(thresholds, AmoHub.Grains.Probes.ProbeSchedule.Section));

        Assert.Contains("CHECK_INTERVAL", badVariable.Message, StringComparison.Ordinal);
        Assert.Contains("AmoHub:Probes:Thresholds:Post:Down", badThreshold.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_MySQL_connection_string_error_does_not_echo_the_password()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AmoHub:Storage:Provider"] = "MySql",
            ["AmoHub:Storage:ConnectionString"] = "Server=db;Password=hunter2;Bogus Key=1",
        }).Build();

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => ValidatedSettings.Get<StorageSettings>(configuration, StorageSettings.Section));

        Assert.Contains("AmoHub:Storage:ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }
}
