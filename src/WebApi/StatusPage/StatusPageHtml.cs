using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.WebApi.StatusPage;

/// <summary>What one status page shows: its boards (none for an unknown account) and how to write them.</summary>
public sealed record StatusPageView(
    StatusPageWords Words,
    TimeZoneInfo Zone,
    DateTimeOffset Now,
    string PathBase,
    IReadOnlyList<AccountBoard> Boards,
    bool SingleAccount);

/// <summary>
/// Writes the status page as one HTML document: no script, its styles in <c>/status/page.css</c> (the content
/// security policy allows nothing inline), every value HTML-encoded. A check says its state and reason in words
/// (<see cref="CheckReasons"/>), never a code, a raw error or an id.
/// </summary>
public static class StatusPageHtml
{
    /// <summary>How often the page reloads itself, in seconds.</summary>
    public const int RefreshSeconds = 60;

    /// <summary>Encodes markup characters; Cyrillic stays as it is, so the page's source reads.</summary>
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>The page.</summary>
    public static string Render(StatusPageView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var words = view.Words;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"").Append(words.Language).Append("\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"color-scheme\" content=\"light dark\">\n")
            .Append(CultureInfo.InvariantCulture, $"<meta http-equiv=\"refresh\" content=\"{RefreshSeconds}\">\n")
            .Append("<title>").Append(Encode(words.Title)).Append("</title>\n")
            .Append("<link rel=\"stylesheet\" href=\"").Append(Encode(view.PathBase)).Append("/status/page.css\">\n</head>\n<body>\n")
            .Append("<header class=\"top\"><h1>").Append(Encode(words.Title)).Append("</h1>")
            .Append("<nav class=\"lang\" data-testid=\"lang\">");
        foreach (var other in new[] { StatusPageWords.Russian, StatusPageWords.English })
        {
            html.Append("<a href=\"?lang=").Append(other.Language).Append('"')
                .Append(other.Language == words.Language ? " aria-current=\"true\"" : "")
                .Append('>').Append(other.Language.ToUpperInvariant()).Append("</a>");
        }

        html.Append("</nav></header>\n<main>\n");
        if (view.Boards.Count == 0)
        {
            html.Append("<p class=\"empty\">").Append(Encode(view.SingleAccount ? words.UnknownAccount : words.NoAccounts)).Append("</p>\n");
        }

        foreach (var board in view.Boards)
        {
            Account(html, view, board);
        }

        html.Append("</main>\n<footer>")
            .Append(Encode(string.Format(words.Culture, words.Updated, words.Time(view.Now, view.Zone))))
            .Append(" · AmoHub</footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Account(StringBuilder html, StatusPageView view, AccountBoard board)
    {
        var words = view.Words;
        var worst = board.Checks.Count == 0 ? HealthStatus.Unknown : board.Checks.Max(check => check.Status);
        var (summary, summaryClass) = worst switch
        {
            HealthStatus.Down => (words.SomeDown, "down"),
            HealthStatus.Warning => (words.SomeDegraded, "warning"),
            HealthStatus.Up when board.Checks.All(check => check.Status == HealthStatus.Up) => (words.AllUp, "up"),
            _ => (words.NoData, "unknown"),
        };
        html.Append("<section class=\"account\" data-account=\"").Append(Encode(board.Account)).Append("\">\n<h2>");
        if (view.SingleAccount)
        {
            html.Append(Encode(board.Account));
        }
        else
        {
            html.Append("<a href=\"").Append(Encode($"{view.PathBase}/status/{board.Account}?lang={words.Language}")).Append("\">")
                .Append(Encode(board.Account)).Append("</a>");
        }

        if (board.Sandbox)
        {
            html.Append(" <span class=\"badge\">").Append(Encode(words.SandboxLabel)).Append("</span>");
        }

        html.Append("</h2>\n<p class=\"summary summary-").Append(summaryClass).Append("\" data-testid=\"summary\">").Append(Encode(summary)).Append("</p>\n");
        foreach (var window in board.Maintenance)
        {
            html.Append("<div class=\"maintenance\" role=\"status\" data-testid=\"maintenance\"><strong>").Append(Encode(words.MaintenanceTitle)).Append("</strong> ")
                .Append(Encode(string.Format(words.Culture, words.MaintenanceUntil, words.Time(window.EndsAt, view.Zone))));
            if (!string.IsNullOrWhiteSpace(window.Note))
            {
                html.Append(". ").Append(Encode(window.Note));
            }

            html.Append("</div>\n");
        }

        html.Append("<ul class=\"checks\">\n");
        foreach (var check in board.Checks)
        {
            Check(html, words, check);
        }

        html.Append("</ul>\n<h3>").Append(Encode(words.OpenOutages)).Append("</h3>\n");
        if (board.Outages.Count == 0)
        {
            html.Append("<p class=\"no-outages\">").Append(Encode(words.NoOutages)).Append("</p>\n");
        }
        else
        {
            html.Append("<ul class=\"outages\">\n");
            foreach (var outage in board.Outages)
            {
                html.Append("<li class=\"outage\" data-testid=\"outage\"><strong>").Append(Encode(words.CheckNames[outage.CheckType])).Append("</strong> ")
                    .Append(Encode(string.Format(words.Culture, words.OutageSince, words.Time(outage.StartedAt, view.Zone))))
                    .Append("<br><span class=\"reason\">").Append(Encode(words.ReasonLabel)).Append(": ")
                    .Append(Encode(CheckReasons.Describe(outage.Reason, outage.HttpStatus, words.Language))).Append("</span></li>\n");
            }

            html.Append("</ul>\n");
        }

        html.Append("</section>\n");
    }

    private static void Check(StringBuilder html, StatusPageWords words, CheckBoard check)
    {
        var status = check.Status.ToWireName();
        html.Append("<li class=\"check\" data-testid=\"check\" data-status=\"").Append(status).Append("\">\n<div class=\"check-head\"><span class=\"check-name\">")
            .Append(Encode(words.CheckNames[check.CheckType])).Append("</span><span class=\"state state-").Append(status).Append("\">")
            .Append(Encode(words.States[check.Status])).Append("</span></div>\n");
        if (check.Status is HealthStatus.Warning or HealthStatus.Down)
        {
            html.Append("<p class=\"reason\">").Append(Encode(CheckReasons.Describe(check.Reason, check.HttpStatus, words.Language))).Append("</p>\n");
        }

        var uptime = check.Uptime is { } share ? words.Percent(share) : words.DayWithoutData;
        var label = $"{string.Format(words.Culture, words.UptimeLabel, StatusBoard.Days)}: {uptime}";
        html.Append("<div class=\"bar\" role=\"img\" aria-label=\"").Append(Encode(label)).Append("\">");
        foreach (var day in check.Days)
        {
            var (dayClass, dayText) = day.Uptime switch
            {
                { } value => (value >= 100 ? "ok" : value >= 95 ? "partial" : "bad", words.Percent(value)),
                null => ("none", words.DayWithoutData),
            };
            html.Append("<span class=\"day day-").Append(dayClass).Append("\" title=\"")
                .Append(Encode($"{day.Day.ToString(words.DayPattern, words.Culture)}: {dayText}")).Append("\"></span>");
        }

        html.Append("</div>\n<div class=\"bar-legend\"><span>").Append(Encode(string.Format(words.Culture, words.DaysAgo, StatusBoard.Days)))
            .Append("</span><span class=\"uptime\">").Append(Encode(label)).Append("</span><span>").Append(Encode(words.Today)).Append("</span></div>\n</li>\n");
    }

    private static string Encode(string value) => Encoder.Encode(value);
}
