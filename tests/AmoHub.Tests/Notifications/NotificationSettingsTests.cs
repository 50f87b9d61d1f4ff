using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Notifications;
using AmoHub.ServiceDefaults.Configuration;
using AmoHub.Silo;
using AmoHub.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AmoHub.Tests.Notifications;

public sealed class NotificationSettingsTests
{
    [Fact]
    public void The_reference_deployments_MATTERMOST_WEBHOOK_URL_becomes_the_default_Mattermost_webhook()
    {
        var variables = new Dictionary<string, string?> { ["MATTERMOST_WEBHOOK_URL"] = " https://mattermost.example/hooks/abc123 " };
        var configuration = new ConfigurationBuilder().Add(new LegacyEnvironmentVariables(name => variables.GetValueOrDefault(name))).Build();

        var settings = ValidatedSettings.Get<NotificationOptions>(configuration, NotificationOptions.Section);

        Assert.Equal("https://mattermost.example/hooks/abc123", settings.Mattermost.WebhookUrl);
        Assert.Equal(("ru", TimeSpan.FromMinutes(2)), (settings.Language, settings.Delay));
    }

    [Theory]
    [InlineData("AmoHub:Notifications:Delay", "soon", "AmoHub:Notifications:Delay")]
    [InlineData("AmoHub:Notifications:Language", "de", "AmoHub:Notifications:Language")]
    [InlineData("AmoHub:Notifications:FlapThreshold", "0", "AmoHub:Notifications:FlapThreshold")]
    [InlineData("AmoHub:Notifications:RetryMax", "00:00:01", "AmoHub:Notifications:RetryMax")]
    [InlineData("AmoHub:Notifications:TimeZone", "Mars/Olympus_Mons", "AmoHub:Notifications:TimeZone")]
    [InlineData("AmoHub:Notifications:Mattermost:WebhookUrl", "ftp://mattermost.example/hooks/abc123", "AmoHub:Notifications:Mattermost:WebhookUrl")]
    [InlineData("AmoHub:Notifications:Smtp:Host", "smtp.example", "AmoHub:Notifications:Smtp:From")]
    [InlineData("AmoHub:Notifications:Telegram:BotToken", "abc123", "AmoHub:Notifications:Telegram:BotToken")]
    [InlineData("AmoHub:Notifications:Telegram:ApiBaseUrl", "api.telegram.org", "AmoHub:Notifications:Telegram:ApiBaseUrl")]
    [InlineData("AmoHub:Notifications:CriticalChecks:0", "LEADS", "AmoHub:Notifications:CriticalChecks")]
    [InlineData("AmoHub:Notifications:Slow:Delay", "2.00:00:00", "AmoHub:Notifications:Slow:Delay")]
    [InlineData("AmoHub:Probes:SlowMinSamples", "0", "AmoHub:Probes:SlowMinSamples")]
    [InlineData("AmoHub:Notifications:Digest:Cron", "0 9 * * MONDAY", "AmoHub:Notifications:Digest:Cron")]
    public void A_bad_notification_setting_stops_start_up_naming_the_key(string key, string value, string named)
    {
        var folder = Directory.CreateTempSubdirectory("amohub-settings-").FullName;
        try
        {
            var error = Assert.Throws<OptionsValidationException>(() => SiloHost.Build(
            [
                $"--AmoHub:Storage:ConnectionString=Data Source={Path.Combine(folder, "amohub.db")}",
                $"--{key}={value}",
            ]));

            Assert.Contains(named, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("abc123", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Email_recipients_are_refused_naming_the_field_when_the_deployment_has_no_SMTP_server()
    {
        var settings = new NotificationSettings(null, null, new EmailTarget(["ops@example.test"]), null);

        var withoutSmtp = NotificationRules.Validate(settings, new NotificationOptions());
        var withSmtp = NotificationRules.Validate(settings, new NotificationOptions { Smtp = { Host = "smtp.example", From = "amohub@example.test" } });

        Assert.Contains("AmoHub:Notifications:Smtp:Host", Assert.Single(withoutSmtp["email.recipients"]), StringComparison.Ordinal);
        Assert.Empty(withSmtp);
    }

    [Fact]
    public void A_Telegram_chat_is_refused_naming_the_field_when_the_deployment_has_no_bot()
    {
        var settings = new NotificationSettings(null, null, null, null, new TelegramTarget("-1001234567890", 42));

        var withoutBot = NotificationRules.Validate(settings, new NotificationOptions());
        var withBot = NotificationRules.Validate(settings, new NotificationOptions { Telegram = { BotToken = TelegramStandIn.Token } });

        Assert.Contains("AmoHub:Notifications:Telegram:BotToken", Assert.Single(withoutBot["telegram.chatId"]), StringComparison.Ordinal);
        Assert.Empty(withBot);
    }

    [Fact]
    public void A_Telegram_message_escapes_what_HTML_parse_mode_reads_as_markup_and_bolds_only_its_own_labels()
    {
        var message = new AlertMessage(
            "🔴 acme: GET <down>", "amoCRM said <b>no</b> & left", AlertText.Red, [new AlertField("Ошибка", "502 <html> & \"quotes\"", false)]);

        var html = TelegramHtml.Format(message);

        Assert.Equal(
            "<b>🔴 acme: GET &lt;down&gt;</b>\namoCRM said &lt;b&gt;no&lt;/b&gt; &amp; left\n\n<b>Ошибка:</b> 502 &lt;html&gt; &amp; \"quotes\"",
            html.ReplaceLineEndings("\n"));
    }
}
