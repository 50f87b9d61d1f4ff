using System.Globalization;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AmoHub.Tests.Notifications;

/// <summary>
/// One all-in-one AmoHub on SQLite with short notification settings, a Mattermost stand-in (also the generic webhook
/// receiver), an SMTP stand-in and a Telegram Bot API stand-in. Tests share it and stay apart by using accounts of their own.
/// </summary>
public sealed class NotificationsFixture : IAsyncLifetime
{
    /// <summary>
    /// The alert delay the hub runs with: room for a test's blip to open and close on a loaded machine, and shorter
    /// than the flapping mute, so an alert held by the mute is held by the mute alone.
    /// </summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(4);

    /// <summary>The flapping mute the hub runs with.</summary>
    public static readonly TimeSpan FlapMute = TimeSpan.FromSeconds(6);

    /// <summary>The first retry wait the hub runs with.</summary>
    public static readonly TimeSpan RetryInitial = TimeSpan.FromMilliseconds(500);

    /// <summary>How long one delivery may take in the hub.</summary>
    public static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(3);

    private InProcessAmoHub? _hub;
    private MattermostStandIn? _webhooks;
    private SmtpStandIn? _smtp;
    private TelegramStandIn? _telegram;

    /// <summary>The AmoHub under test.</summary>
    public InProcessAmoHub Hub => _hub!;

    /// <summary>The Mattermost and generic webhook stand-in.</summary>
    public MattermostStandIn Webhooks => _webhooks!;

    /// <summary>The SMTP stand-in.</summary>
    public SmtpStandIn Smtp => _smtp!;

    /// <summary>The Telegram Bot API stand-in, the hub's bot API (its bot token is <see cref="TelegramStandIn.Token"/>).</summary>
    public TelegramStandIn Telegram => _telegram!;

    /// <summary>
    /// Short notification settings: alerts (DOWN and slow) after 4 s, re-alerts every 3 s, more than 2 incidents in a minute is
    /// flapping (muted 6 s), retries from 0.5 s up to 2 s, deliveries time out after 3 s, reminders every 2 s.
    /// </summary>
    public static Dictionary<string, string> Settings(SmtpStandIn smtp) => new()
    {
        ["AmoHub:Notifications:Delay"] = Delay.ToString("c", CultureInfo.InvariantCulture),
        ["AmoHub:Notifications:Slow:Delay"] = Delay.ToString("c", CultureInfo.InvariantCulture),
        ["AmoHub:Notifications:RealertInterval"] = "00:00:03",
        ["AmoHub:Notifications:FlapWindow"] = "00:01:00",
        ["AmoHub:Notifications:FlapThreshold"] = "2",
        ["AmoHub:Notifications:FlapMute"] = FlapMute.ToString("c", CultureInfo.InvariantCulture),
        ["AmoHub:Notifications:RetryInitial"] = RetryInitial.ToString("c", CultureInfo.InvariantCulture),
        ["AmoHub:Notifications:RetryMax"] = "00:00:02",
        ["AmoHub:Notifications:DeliveryTimeout"] = DeliveryTimeout.ToString("c", CultureInfo.InvariantCulture),
        ["AmoHub:Notifications:ReminderPeriod"] = "00:00:02",
        // The tests here follow one account each; outages of many accounts have a hub of their own (OutageGroupingTests).
        ["AmoHub:Notifications:GroupMinAccounts"] = "0",
        ["AmoHub:Notifications:Smtp:Host"] = "127.0.0.1",
        ["AmoHub:Notifications:Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
        ["AmoHub:Notifications:Smtp:StartTls"] = "false",
        ["AmoHub:Notifications:Smtp:From"] = "amohub@example.test",
    };

    /// <summary>A fresh account name, so a test's notifier and stand-in traffic are its own.</summary>
    public static string NewAccount() => $"n-{Guid.NewGuid():N}"[..20];

    /// <summary>The notifier of <paramref name="account"/>, called through the hub's grain factory.</summary>
    public INotifierGrain Notifier(string account) => Notifier(Hub, account);

    /// <summary>The notifier of <paramref name="account"/> in <paramref name="hub"/>.</summary>
    public static INotifierGrain Notifier(InProcessAmoHub hub, string account) =>
        hub.Services.GetRequiredService<IGrainFactory>().GetGrain<INotifierGrain>(GrainKeys.Notifier(account));

    /// <summary>
    /// Gives <paramref name="account"/> all three channels: Mattermost at <c>/hooks/{account}</c>, the generic webhook at
    /// <c>/hooks/{account}-hook</c>, and email to <c>{account}@example.test</c>.
    /// </summary>
    public async Task ConfigureAllChannelsAsync(string account, string? language = null)
    {
        var update = await Notifier(account).ConfigureAsync(new NotificationSettings(
            language,
            new MattermostTarget(true, Webhooks.Url(account).AbsoluteUri, "town-square"),
            new EmailTarget([Email(account)]),
            new WebhookTarget(Webhooks.Url(HookToken(account)).AbsoluteUri)));
        Assert.Empty(update.Errors);
    }

    /// <summary>The generic webhook's token of <paramref name="account"/>.</summary>
    public static string HookToken(string account) => account + "-hook";

    /// <summary>The email recipient of <paramref name="account"/>.</summary>
    public static string Email(string account) => account + "@example.test";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _webhooks = await MattermostStandIn.StartAsync();
        _smtp = SmtpStandIn.Start();
        _telegram = await TelegramStandIn.StartAsync();
        var settings = Settings(_smtp);
        settings["AmoHub:Notifications:Telegram:BotToken"] = TelegramStandIn.Token;
        settings["AmoHub:Notifications:Telegram:ApiBaseUrl"] = _telegram.BaseUrl;
        _hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite, settings);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }

        if (_webhooks is not null)
        {
            await _webhooks.DisposeAsync();
        }

        if (_smtp is not null)
        {
            await _smtp.DisposeAsync();
        }

        if (_telegram is not null)
        {
            await _telegram.DisposeAsync();
        }
    }
}

/// <summary>Incident notices as a probe sends them.</summary>
public static class Notices
{
    /// <summary>A new incident id, unique enough across tests.</summary>
    public static long NewId() => Random.Shared.NextInt64(1, 1_000_000_000_000);

    /// <summary>An incident of <paramref name="check"/> that opened at <paramref name="startedAt"/> with a 502.</summary>
    public static IncidentNotice Opened(long id, string account, CheckType check, DateTimeOffset startedAt) =>
        new(id, account, check, IncidentChange.Opened, startedAt, null, "amoCRM answered 502 Bad Gateway", 502, CheckErrorCodes.ServerError);

    /// <summary>The same incident, closed at <paramref name="endedAt"/>.</summary>
    public static IncidentNotice Closed(IncidentNotice opened, DateTimeOffset endedAt) =>
        opened with { Change = IncidentChange.Closed, EndedAt = endedAt };
}
