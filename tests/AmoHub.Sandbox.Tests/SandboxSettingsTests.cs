using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace AmoHub.Sandbox.Tests;

public sealed class SandboxSettingsTests
{
    [Fact]
    public void Webhook_retries_follow_amoCRMs_schedule_of_5_15_15_and_60_minutes_in_real_time_by_default()
    {
        var settings = new SandboxSettings();

        Assert.Null(settings.WebhookRetrySchedule);
        Assert.Equal(
            [TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(60)],
            SandboxSettings.AmoCrmWebhookRetrySchedule);
        Assert.Equal(1, settings.ClockFactor);
        Assert.Equal(100, settings.DisableWebhookAfterFailures);
    }

    [Fact]
    public void A_configured_retry_schedule_replaces_amoCRMs_instead_of_adding_to_it()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{SandboxSettings.Section}:WebhookRetrySchedule:0"] = "00:00:01",
                [$"{SandboxSettings.Section}:WebhookRetrySchedule:1"] = "00:00:02",
                [$"{SandboxSettings.Section}:ClockFactor"] = "600",
            })
            .Build();
        var settings = new SandboxSettings();

        configuration.GetSection(SandboxSettings.Section).Bind(settings);

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], settings.WebhookRetrySchedule);
        Assert.Equal(600, settings.ClockFactor);
    }

    [Theory]
    [InlineData(nameof(SandboxSettings.WebhookRetrySchedule), "-00:01:00", 1, 1)]
    [InlineData(nameof(SandboxSettings.WebhookRetrySchedule), "2.00:00:00", 1, 1)]
    [InlineData(nameof(SandboxSettings.WebhookRetrySchedule), "00:05:00", 101, 1)]
    [InlineData(nameof(SandboxSettings.ClockFactor), "00:05:00", 4, 0.5)]
    [InlineData(nameof(SandboxSettings.ClockFactor), "00:05:00", 4, double.NaN)]
    public void A_bad_retry_schedule_or_clock_factor_is_refused_naming_its_key(string key, string pause, int retries, double clockFactor)
    {
        var settings = new SandboxSettings
        {
            WebhookRetrySchedule = Enumerable.Repeat(TimeSpan.Parse(pause, CultureInfo.InvariantCulture), retries).ToList(),
            ClockFactor = clockFactor,
        };
        var results = new List<ValidationResult>();

        var valid = Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true);

        Assert.False(valid);
        var result = Assert.Single(results);
        Assert.Equal([key], result.MemberNames);
    }
}
