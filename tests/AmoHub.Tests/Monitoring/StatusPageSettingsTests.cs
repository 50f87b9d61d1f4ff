using AmoHub.ServiceDefaults.Configuration;
using AmoHub.WebApi.StatusPage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AmoHub.Tests.Monitoring;

public sealed class StatusPageSettingsTests
{
    [Fact]
    public void The_status_page_is_private_Russian_and_in_UTC_unless_configured()
    {
        var settings = ValidatedSettings.Get<StatusPageSettings>(new ConfigurationBuilder().Build(), StatusPageSettings.Section);

        Assert.Equal((false, "ru", TimeZoneInfo.Utc.Id), (settings.Public, settings.Language, settings.Zone.Id));
    }

    [Theory]
    [InlineData("Language", "de", "AmoHub:StatusPage:Language")]
    [InlineData("TimeZone", "Mars/Olympus", "AmoHub:StatusPage:TimeZone")]
    [InlineData("Public", "sometimes", "AmoHub:StatusPage")]
    public void A_bad_status_page_setting_names_its_key(string name, string value, string key)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{StatusPageSettings.Section}:{name}"] = value })
            .Build();

        var error = Assert.Throws<OptionsValidationException>(() => ValidatedSettings.Get<StatusPageSettings>(configuration, StatusPageSettings.Section));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
