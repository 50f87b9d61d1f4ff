using System.Globalization;
using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.WebApi.StatusPage;

/// <summary>The status page's texts in one language: plain words for people in sales, no codes.</summary>
public sealed record StatusPageWords(
    string Language,
    CultureInfo Culture,
    string Title,
    string AllUp,
    string SomeDegraded,
    string SomeDown,
    string NoData,
    string SandboxLabel,
    string MaintenanceTitle,
    string MaintenanceUntil,
    string OpenOutages,
    string NoOutages,
    string OutageSince,
    string ReasonLabel,
    string DaysAgo,
    string Today,
    string DayWithoutData,
    string UptimeLabel,
    string Updated,
    string NoAccounts,
    string UnknownAccount,
    string DatePattern,
    string DayPattern,
    string PercentPattern,
    IReadOnlyDictionary<CheckType, string> CheckNames,
    IReadOnlyDictionary<HealthStatus, string> States)
{
    /// <summary>Russian, the default.</summary>
    public static StatusPageWords Russian { get; } = new(
        CheckReasons.Russian,
        CultureInfo.GetCultureInfo("ru-RU"),
        "Статус amoCRM",
        "Всё работает",
        "Есть перебои",
        "Есть сбои",
        "Пока нет данных",
        "песочница",
        "Плановые работы",
        "до {0}",
        "Сбои сейчас",
        "Сбоев сейчас нет.",
        "не работает с {0}",
        "Причина",
        "{0} дней назад",
        "сегодня",
        "нет данных",
        "Доступность за {0} дней",
        "Обновлено {0}. Страница обновляется сама раз в минуту.",
        "Аккаунтов amoCRM пока нет.",
        "Такого аккаунта нет.",
        "dd.MM.yyyy HH:mm",
        "dd.MM",
        "0.##\u00a0'%'",
        new Dictionary<CheckType, string>
        {
            [CheckType.Get] = "Чтение данных из amoCRM",
            [CheckType.Post] = "Запись данных в amoCRM",
            [CheckType.Web] = "amoCRM в браузере",
            [CheckType.Hook] = "Уведомления об изменениях (вебхуки)",
            [CheckType.Dp] = "Автоматизации (Digital Pipeline)",
        },
        new Dictionary<HealthStatus, string>
        {
            [HealthStatus.Up] = "Работает",
            [HealthStatus.Warning] = "Работает с перебоями",
            [HealthStatus.Down] = "Не работает",
            [HealthStatus.Unknown] = "Нет данных",
        });

    /// <summary>English.</summary>
    public static StatusPageWords English { get; } = new(
        CheckReasons.English,
        CultureInfo.GetCultureInfo("en-GB"),
        "amoCRM status",
        "All systems operational",
        "Some services are degraded",
        "Some services are down",
        "No data yet",
        "sandbox",
        "Planned maintenance",
        "until {0}",
        "Current outages",
        "No outages right now.",
        "down since {0}",
        "Reason",
        "{0} days ago",
        "today",
        "no data",
        "Uptime over {0} days",
        "Updated {0}. The page refreshes itself every minute.",
        "There are no amoCRM accounts yet.",
        "There is no such account.",
        "yyyy-MM-dd HH:mm",
        "d MMM",
        "0.##'%'",
        new Dictionary<CheckType, string>
        {
            [CheckType.Get] = "Reading data from amoCRM",
            [CheckType.Post] = "Saving data to amoCRM",
            [CheckType.Web] = "amoCRM in the browser",
            [CheckType.Hook] = "Change notifications (webhooks)",
            [CheckType.Dp] = "Automations (Digital Pipeline)",
        },
        new Dictionary<HealthStatus, string>
        {
            [HealthStatus.Up] = "Operational",
            [HealthStatus.Warning] = "Degraded",
            [HealthStatus.Down] = "Down",
            [HealthStatus.Unknown] = "No data yet",
        });

    /// <summary>The words of <paramref name="language"/> (<c>en</c>), else Russian.</summary>
    public static StatusPageWords For(string? language) => language == CheckReasons.English ? English : Russian;

    /// <summary>A time in <paramref name="zone"/>, with the zone's offset (<c>07.12.2026 19:05 UTC+03:00</c>).</summary>
    public string Time(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var offset = local.Offset == TimeSpan.Zero ? "UTC" : "UTC" + local.ToString("zzz", CultureInfo.InvariantCulture);
        return $"{local.ToString(DatePattern, Culture)} {offset}";
    }

    /// <summary>A share of 0-100 as people write it (<c>99,5 %</c>, <c>99.5%</c>), rounded down: never 100 % for a day with a failure.</summary>
    public string Percent(double value) => (Math.Floor(value * 100) / 100).ToString(PercentPattern, Culture);
}
