using AmoHub.Grains.Notifications;

namespace AmoHub.Silo;

/// <summary>Wires the accounts' notifiers: their settings, senders, courier and reminder period.</summary>
public static class NotificationsConfiguration
{
    /// <summary>
    /// Registers the notification senders (Mattermost, email, generic webhook, Telegram) and the courier that runs deliveries
    /// off the grains, with <paramref name="notifications"/> as the deployment's settings; lowers Orleans' minimum
    /// reminder period when the notifiers' is shorter.
    /// </summary>
    public static ISiloBuilder AddAmoHubNotifications(this ISiloBuilder silo, NotificationOptions notifications)
    {
        var services = silo.Services;
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(notifications));
        // Request logging is off for this client: a webhook URL carries its token in the path, as does a Bot API URL.
        services.AddHttpClient(WebhookPost.HttpClientName)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
        services.AddSingleton<INotificationSender, MattermostSender>();
        services.AddSingleton<INotificationSender, EmailSender>();
        services.AddSingleton<INotificationSender, WebhookSender>();
        services.AddSingleton<INotificationSender, TelegramSender>();
        services.AddSingleton<NotificationCourier>();
        silo.Configure<ReminderOptions>(options =>
        {
            if (notifications.ReminderPeriod < options.MinimumReminderPeriod)
            {
                options.MinimumReminderPeriod = notifications.ReminderPeriod;
            }
        });
        return silo;
    }
}
