using System.Globalization;
using System.Text;
using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.Grains.Notifications;

/// <summary>One labelled fact of an alert; short ones sit side by side in Mattermost.</summary>
public sealed record AlertField(string Title, string Value, bool IsShort);

/// <summary>An alert as people read it: a title line, a sentence, a colour and the facts.</summary>
public sealed record AlertMessage(string Title, string Text, string Color, IReadOnlyList<AlertField> Fields)
{
    /// <summary>The message as plain text (an email body): the sentence, then one fact a line.</summary>
    public string PlainText
    {
        get
        {
            var text = new StringBuilder(Text).AppendLine().AppendLine();
            foreach (var fact in Fields)
            {
                text.Append(fact.Title).Append(": ").AppendLine(fact.Value);
            }

            return text.AppendLine().Append("— AmoHub").ToString();
        }
    }
}

/// <summary>
/// Writes alerts in Russian (the default) or English: red for down, green for restored and fast again, orange for
/// flapping, yellow for slow (with the 95th percentile, the window and the warning threshold in its title). A digest
/// has one fact a check: its uptime (cut, not rounded, to two decimals), p95, incidents, downtime and MTTR. Times
/// are shown in the deployment's time zone, durations in the two largest units (<c>2 мин 30 с</c>). A down alert
/// whose reason calls for someone to act in amoCRM (<see cref="CheckErrorCodes.Reauthorize"/>,
/// <see cref="CheckErrorCodes.PaymentRequired"/>, <see cref="CheckErrorCodes.WebhookMissing"/>,
/// <see cref="CheckErrorCodes.WebhookDisabled"/>) says what to do.
/// </summary>
public static class AlertText
{
    /// <summary>The colour of down and still-down alerts.</summary>
    public const string Red = "#d32f2f";

    /// <summary>The colour of restored alerts.</summary>
    public const string Green = "#2e7d32";

    /// <summary>The colour of flapping alerts.</summary>
    public const string Orange = "#f57c00";

    /// <summary>The colour of slow-down alerts.</summary>
    public const string Yellow = "#fbc02d";

    /// <summary>The colour of test messages.</summary>
    public const string Blue = "#1976d2";

    /// <summary>Writes <paramref name="alert"/> in <paramref name="language"/>.</summary>
    public static AlertMessage Render(Alert alert, NotificationLanguage language, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(zone);
        Phrasebook words = language == NotificationLanguage.En ? new English() : new Russian();
        var check = alert.CheckType?.ToWireName() ?? "";
        var checkName = alert.CheckType is { } type ? words.CheckName(type) : "";
        var facts = new Facts(
            alert.Account,
            checkName,
            words.Time(alert.StartedAt, zone),
            words.Duration(alert.Duration),
            alert.MutedUntil is { } until ? words.Time(until, zone) : "",
            alert.Count,
            alert.Total,
            alert.Slow is { } measure ? words.Seconds(measure.P95Ms) : "",
            alert.Slow is { } window ? words.Duration(window.Window) : "",
            alert.Slow is { } threshold ? words.Seconds(threshold.WarningMs) : "",
            words.Time(alert.At, zone));
        var outage = alert.Kind is AlertKind.GroupDown or AlertKind.GroupUpdate or AlertKind.GroupRestored;
        var fields = outage ? [] : new List<AlertField> { new(words.AccountLabel, alert.Account, true) };
        if (alert.CheckType is not null)
        {
            fields.Add(new(words.CheckLabel, $"{check} — {checkName}", true));
        }

        if (alert.Digest is { } digest)
        {
            fields.AddRange(digest.Checks.Select(row => new AlertField($"{row.CheckType.ToWireName()} — {words.CheckName(row.CheckType)}", words.DigestLine(row), false)));
        }
        else if (alert.Kind is AlertKind.MaintenanceStarted or AlertKind.MaintenanceEnded)
        {
            fields.Add(new(words.SinceLabel, facts.Since, true));
            fields.Add(new(words.MutedUntilLabel, facts.MutedUntil, true));
        }
        else if (alert.Kind == AlertKind.Flapping)
        {
            fields.Add(new(words.IncidentsLabel, alert.Count.ToString(CultureInfo.InvariantCulture), true));
            fields.Add(new(words.MutedUntilLabel, facts.MutedUntil, true));
        }
        else if (alert.Kind != AlertKind.Test)
        {
            fields.Add(new(words.SinceLabel, facts.Since, true));
            fields.Add(new(words.DurationLabel, facts.Duration, true));
        }

        if (outage && alert.Kind != AlertKind.GroupRestored && alert.Accounts is { Count: > 0 } accounts)
        {
            var more = alert.Count - accounts.Count;
            fields.Add(new(words.AccountsLabel, string.Join(", ", accounts) + (more > 0 ? words.AndMore(more) : ""), false));
        }

        if (alert.Slow is not null)
        {
            fields.Add(new(words.P95Label(facts.Window), facts.P95, true));
            fields.Add(new(words.WarningLabel, facts.Warning, true));
        }

        if (alert.HttpStatus is { } status)
        {
            fields.Add(new(words.HttpStatusLabel, status.ToString(CultureInfo.InvariantCulture), true));
        }

        if (Reason(alert, language) is { } reason)
        {
            fields.Add(new(words.ReasonLabel, reason, false));
        }

        var color = alert.Kind switch
        {
            AlertKind.Down or AlertKind.StillDown or AlertKind.GroupDown => Red,
            AlertKind.Restored or AlertKind.SlowRecovered or AlertKind.GroupRestored => Green,
            AlertKind.Flapping or AlertKind.GroupUpdate => Orange,
            AlertKind.Slow => Yellow,
            _ => Blue,
        };
        var sentence = words.Sentence(alert.Kind, facts);
        if (alert.Kind is AlertKind.Down or AlertKind.StillDown && words.Cause(alert.ErrorCode) is { } cause)
        {
            sentence = $"{sentence} {cause}";
        }
        else if (alert.Kind is AlertKind.MaintenanceStarted or AlertKind.MaintenanceEnded && !string.IsNullOrWhiteSpace(alert.Error))
        {
            sentence = $"{sentence} {alert.Error}";
        }

        var title = words.Title(alert.Kind, alert.Account, check, facts);
        return new AlertMessage(alert.Kind == AlertKind.Slow ? $"{title} — {words.SlowSummary(facts)}" : title, sentence, color, fields);
    }

    /// <summary>
    /// Why the incident of a down, still-down or restored alert opened, in <paramref name="language"/>, from its reason
    /// code (null for other alerts): the raw error (<see cref="Alert.Error"/>) is for operators and goes only to the
    /// generic webhook's <c>error</c>.
    /// </summary>
    public static string? Reason(Alert alert, NotificationLanguage language)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return alert.Kind is AlertKind.Down or AlertKind.StillDown or AlertKind.Restored
            ? CheckReasons.Describe(alert.ErrorCode, alert.HttpStatus, language == NotificationLanguage.En ? CheckReasons.English : CheckReasons.Russian)
            : null;
    }

    /// <summary>What the sentences of an alert are made of, already written in the alert's language.</summary>
    private sealed record Facts(
        string Account, string CheckName, string Since, string Duration, string MutedUntil, int Count, int Total, string P95, string Window, string Warning, string Until);

    private abstract class Phrasebook
    {
        private const string NoFigure = "—";

        public abstract string AccountLabel { get; }

        public abstract string CheckLabel { get; }

        public abstract string SinceLabel { get; }

        public abstract string DurationLabel { get; }

        public abstract string HttpStatusLabel { get; }

        public abstract string ReasonLabel { get; }

        public abstract string IncidentsLabel { get; }

        public abstract string MutedUntilLabel { get; }

        public abstract string AccountsLabel { get; }
        public abstract string WarningLabel { get; }

        protected abstract string DatePattern { get; }

        protected abstract string DecimalSeparator { get; }

        protected abstract (string Uptime, string PercentSign, string Milliseconds, string Incidents, string Downtime) DigestWords { get; }

        protected abstract (string Day, string Hour, string Minute, string Second) Units { get; }

        public abstract string CheckName(CheckType checkType);

        public abstract string Title(AlertKind kind, string account, string check, Facts facts);

        /// <summary>The tail of a list of accounts cut short: how many more there are.</summary>
        public abstract string AndMore(int count);

        public abstract string Sentence(AlertKind kind, Facts facts);

        /// <summary>The label of a slow-down's percentile, with its window.</summary>
        public abstract string P95Label(string window);

        /// <summary>The numbers of a slow-down in a few words, for its title.</summary>
        public abstract string SlowSummary(Facts facts);

        /// <summary>What a down check's reason asks of people, for the reasons that ask something; null for the rest.</summary>
        public abstract string? Cause(string? errorCode);

        /// <summary>
        /// One check's line of a digest: uptime (cut rather than rounded to two decimals: 99.996 % is not 100 %), p95,
        /// incidents, downtime and MTTR; a figure there is none of (no results, no closed incident) is a dash.
        /// </summary>
        public string DigestLine(DigestCheck check)
        {
            ArgumentNullException.ThrowIfNull(check);
            var (uptime, percentSign, milliseconds, incidents, downtime) = DigestWords;
            // The millionth of a hundredth keeps a value such as 99.29, stored a hair below, from reading 99.28.
            var percent = check.Uptime is { } value
                ? (Math.Floor((value * 100) + 1e-6) / 100).ToString("0.##", CultureInfo.InvariantCulture).Replace(".", DecimalSeparator, StringComparison.Ordinal) + percentSign
                : NoFigure;
            var p95 = check.P95 is { } ms ? string.Create(CultureInfo.InvariantCulture, $"{ms} {milliseconds}") : NoFigure;
            var mttr = check.Mttr is { } recovery ? Duration(recovery) : NoFigure;
            return string.Create(
                CultureInfo.InvariantCulture,
                $"{uptime} {percent}, p95 {p95}, {incidents}: {check.Incidents}, {downtime} {Duration(check.Downtime)}, MTTR {mttr}");
        }

        public string Time(DateTimeOffset at, TimeZoneInfo zone)
        {
            var local = TimeZoneInfo.ConvertTime(at, zone);
            var offset = local.Offset == TimeSpan.Zero ? "UTC" : "UTC" + local.ToString("zzz", CultureInfo.InvariantCulture);
            return $"{local.ToString(DatePattern, CultureInfo.InvariantCulture)} {offset}";
        }

        public string Seconds(int milliseconds) =>
            string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 1000.0:0.#}").Replace(".", DecimalSeparator, StringComparison.Ordinal) + " " + Units.Second;

        public string Duration(TimeSpan duration)
        {
            var (day, hour, minute, second) = Units;
            (long Amount, string Unit)[] parts =
            [
                ((long)duration.TotalDays, day),
                (duration.Hours, hour),
                (duration.Minutes, minute),
                (duration.Seconds, second),
            ];
            var shown = parts.SkipWhile(part => part.Amount == 0).Take(2).Where(part => part.Amount > 0).ToList();
            return shown.Count == 0
                ? $"0 {second}"
                : string.Join(' ', shown.Select(part => string.Create(CultureInfo.InvariantCulture, $"{part.Amount} {part.Unit}")));
        }
    }

    private sealed class Russian : Phrasebook
    {
        public override string AccountLabel => "Аккаунт";

        public override string CheckLabel => "Проверка";

        public override string SinceLabel => "Начало";

        public override string DurationLabel => "Длительность";

        public override string HttpStatusLabel => "HTTP-статус";

        public override string ReasonLabel => "Причина";

        public override string IncidentsLabel => "Сбоев";

        public override string MutedUntilLabel => "Без оповещений до";

        public override string AccountsLabel => "Аккаунты";
        public override string WarningLabel => "Порог предупреждения";

        protected override string DatePattern => "dd.MM.yyyy HH:mm:ss";

        protected override string DecimalSeparator => ",";

        protected override (string Uptime, string PercentSign, string Milliseconds, string Incidents, string Downtime) DigestWords =>
            ("доступность", " %", "мс", "сбоев", "простой");

        protected override (string Day, string Hour, string Minute, string Second) Units => ("д", "ч", "мин", "с");

        public override string CheckName(CheckType checkType) => checkType switch
        {
            CheckType.Get => "чтение через API",
            CheckType.Post => "запись через API",
            CheckType.Web => "веб-интерфейс",
            CheckType.Hook => "API вебхуков",
            _ => "Digital Pipeline",
        };

        public override string AndMore(int count) => string.Create(CultureInfo.InvariantCulture, $" и ещё {count}");

        public override string Title(AlertKind kind, string account, string check, Facts facts) => kind switch
        {
            AlertKind.GroupDown or AlertKind.GroupUpdate => $"{(kind == AlertKind.GroupDown ? "🔴" : "🟠")} amoCRM: {check} не работает у {facts.Count} из {OfAccounts(facts.Total)}",
            AlertKind.GroupRestored => $"🟢 amoCRM: {check} снова работает у всех аккаунтов",
            AlertKind.Down => $"🔴 {account}: {check} не работает",
            AlertKind.StillDown => $"🔴 {account}: {check} всё ещё не работает",
            AlertKind.Restored => $"🟢 {account}: {check} снова работает",
            AlertKind.Flapping => $"🟠 {account}: {check} работает нестабильно",
            AlertKind.MaintenanceStarted => $"🔧 {account}: начались плановые работы",
            AlertKind.MaintenanceEnded => $"🔧 {account}: плановые работы закончились",
            AlertKind.Slow => $"🟡 {account}: {check} работает медленно",
            AlertKind.SlowRecovered => $"🟢 {account}: {check} снова работает быстро",
            AlertKind.Digest => $"📊 {account}: отчёт за неделю",
            _ => $"🔵 {account}: тестовое сообщение AmoHub",
        };

        public override string Sentence(AlertKind kind, Facts facts) => kind switch
        {
            AlertKind.Down => $"Проверка «{facts.CheckName}» аккаунта amoCRM {facts.Account} не проходит с {facts.Since} — уже {facts.Duration}.",
            AlertKind.StillDown => $"Проверка «{facts.CheckName}» аккаунта amoCRM {facts.Account} не проходит уже {facts.Duration} (с {facts.Since}).",
            AlertKind.Restored => $"Проверка «{facts.CheckName}» аккаунта amoCRM {facts.Account} снова проходит. Сбой длился {facts.Duration}.",
            AlertKind.Flapping =>
                $"Проверка «{facts.CheckName}» аккаунта amoCRM {facts.Account}: {facts.Count} {Incidents(facts.Count)} за {facts.Duration}. " +
                $"Оповещения по ней приостановлены до {facts.MutedUntil}.",
            AlertKind.MaintenanceStarted =>
                $"С {facts.Since} до {facts.MutedUntil} у аккаунта amoCRM {facts.Account} плановые работы: проверки идут, но о сбоях никто не оповещается.",
            AlertKind.MaintenanceEnded => $"Плановые работы аккаунта amoCRM {facts.Account} закончились: оповещения о сбоях снова включены.",
            AlertKind.GroupDown =>
                $"Проверка «{facts.CheckName}» не проходит сразу у {facts.Count} из {OfAccounts(facts.Total)} amoCRM с {facts.Since}: похоже, сбой на стороне самого amoCRM. " +
                "Оповещения отдельных аккаунтов собраны в это сообщение.",
            AlertKind.GroupUpdate => $"Сбой «{facts.CheckName}» идёт уже {facts.Duration} (с {facts.Since}): сейчас не работает у {facts.Count} из {OfAccounts(facts.Total)}.",
            AlertKind.GroupRestored => $"Сбой «{facts.CheckName}» закончился. Он длился {facts.Duration} и в худший момент затронул {facts.Count} из {OfAccounts(facts.Total)}.",
            AlertKind.Slow =>
                $"Проверка «{facts.CheckName}» аккаунта amoCRM {facts.Account} отвечает медленно с {facts.Since} (уже {facts.Duration}): " +
                $"95-й перцентиль времени ответа за последние {facts.Window} — {facts.P95} при пороге предупреждения {facts.Warning}.",
            AlertKind.SlowRecovered =>
                $"Проверка «{facts.CheckName}» аккаунта amoCRM {facts.Account} снова отвечает быстро: 95-й перцентиль за последние {facts.Window} — {facts.P95}. " +
                $"Замедление длилось {facts.Duration}.",
            AlertKind.Digest =>
                $"Как работал аккаунт amoCRM {facts.Account} с {facts.Since} по {facts.Until}: доступность, время ответа (p95), сбои, простой и среднее время восстановления (MTTR) каждой проверки. Плановые работы не учитываются.",
            _ => $"Этот канал получает оповещения AmoHub об аккаунте amoCRM {facts.Account}.",
        };

        public override string P95Label(string window) => $"p95 за {window}";

        public override string SlowSummary(Facts facts) => $"p95 {facts.P95} за {facts.Window} (порог {facts.Warning})";

        public override string? Cause(string? errorCode) => errorCode switch
        {
            CheckErrorCodes.Reauthorize => "amoCRM не принимает ключи AmoHub: интеграцию нужно заново авторизовать в amoCRM.",
            CheckErrorCodes.PaymentRequired => "amoCRM отвечает 402: тариф или оплата аккаунта amoCRM не позволяют работать через API.",
            CheckErrorCodes.WebhookMissing => "Вебхук AmoHub пропал из настроек amoCRM: изменения не приходят. AmoHub подписывается заново сам, если это не выключено.",
            CheckErrorCodes.WebhookDisabled => "amoCRM отключил вебхук AmoHub после множества неудачных доставок: изменения не приходят. AmoHub подписывается заново сам, если это не выключено.",
            _ => null,
        };

        /// <summary>"из N аккаунтов": the genitive after "из" is singular only for 1, 21, 31, … (not 11).</summary>
        private static string OfAccounts(int total) =>
            string.Create(CultureInfo.InvariantCulture, $"{total} {(total % 10 == 1 && total % 100 != 11 ? "аккаунта" : "аккаунтов")}");

        private static string Incidents(int count) => (count % 10, count % 100) switch
        {
            (1, not 11) => "сбой",
            (2 or 3 or 4, not (12 or 13 or 14)) => "сбоя",
            _ => "сбоев",
        };
    }

    private sealed class English : Phrasebook
    {
        public override string AccountLabel => "Account";

        public override string CheckLabel => "Check";

        public override string SinceLabel => "Started";

        public override string DurationLabel => "Duration";

        public override string HttpStatusLabel => "HTTP status";

        public override string ReasonLabel => "Reason";

        public override string IncidentsLabel => "Incidents";

        public override string MutedUntilLabel => "Muted until";

        public override string AccountsLabel => "Accounts";
        public override string WarningLabel => "Warning at";

        protected override string DatePattern => "yyyy-MM-dd HH:mm:ss";

        protected override string DecimalSeparator => ".";

        protected override (string Uptime, string PercentSign, string Milliseconds, string Incidents, string Downtime) DigestWords =>
            ("uptime", "%", "ms", "incidents", "downtime");

        protected override (string Day, string Hour, string Minute, string Second) Units => ("d", "h", "min", "s");

        public override string CheckName(CheckType checkType) => checkType switch
        {
            CheckType.Get => "API read",
            CheckType.Post => "API write",
            CheckType.Web => "web UI",
            CheckType.Hook => "webhooks API",
            _ => "Digital Pipeline",
        };

        public override string AndMore(int count) => string.Create(CultureInfo.InvariantCulture, $" and {count} more");

        public override string Title(AlertKind kind, string account, string check, Facts facts) => kind switch
        {
            AlertKind.GroupDown or AlertKind.GroupUpdate => $"{(kind == AlertKind.GroupDown ? "🔴" : "🟠")} amoCRM: {check} down on {facts.Count} of {Accounts(facts.Total)}",
            AlertKind.GroupRestored => $"🟢 amoCRM: {check} is back up on every account",
            AlertKind.Down => $"🔴 {account}: {check} is down",
            AlertKind.StillDown => $"🔴 {account}: {check} is still down",
            AlertKind.Restored => $"🟢 {account}: {check} is back up",
            AlertKind.Flapping => $"🟠 {account}: {check} is flapping",
            AlertKind.MaintenanceStarted => $"🔧 {account}: maintenance started",
            AlertKind.MaintenanceEnded => $"🔧 {account}: maintenance ended",
            AlertKind.Slow => $"🟡 {account}: {check} is slow",
            AlertKind.SlowRecovered => $"🟢 {account}: {check} is fast again",
            AlertKind.Digest => $"📊 {account}: weekly report",
            _ => $"🔵 {account}: AmoHub test message",
        };

        public override string Sentence(AlertKind kind, Facts facts) => kind switch
        {
            AlertKind.Down => $"The {facts.CheckName} check of amoCRM account {facts.Account} has been failing since {facts.Since} ({facts.Duration}).",
            AlertKind.StillDown => $"The {facts.CheckName} check of amoCRM account {facts.Account} has been failing for {facts.Duration} (since {facts.Since}).",
            AlertKind.Restored => $"The {facts.CheckName} check of amoCRM account {facts.Account} passes again. The outage lasted {facts.Duration}.",
            AlertKind.Flapping =>
                $"The {facts.CheckName} check of amoCRM account {facts.Account} failed {facts.Count} {(facts.Count == 1 ? "time" : "times")} within {facts.Duration}. " +
                $"Its alerts are muted until {facts.MutedUntil}.",
            AlertKind.MaintenanceStarted =>
                $"amoCRM account {facts.Account} is under maintenance from {facts.Since} until {facts.MutedUntil}: checks go on, but failures alert nobody.",
            AlertKind.MaintenanceEnded => $"The maintenance of amoCRM account {facts.Account} is over: failures are alerted again.",
            AlertKind.GroupDown =>
                $"The {facts.CheckName} check fails on {facts.Count} of {Accounts(facts.Total)} at once since {facts.Since}: amoCRM itself looks down. " +
                "The accounts' own alerts are gathered into this message.",
            AlertKind.GroupUpdate => $"The {facts.CheckName} outage goes on for {facts.Duration} (since {facts.Since}): {facts.Count} of {Accounts(facts.Total)} are down now.",
            AlertKind.GroupRestored => $"The {facts.CheckName} outage is over. It lasted {facts.Duration} and at its worst hit {facts.Count} of {Accounts(facts.Total)}.",
            AlertKind.Slow =>
                $"The {facts.CheckName} check of amoCRM account {facts.Account} has been slow since {facts.Since} ({facts.Duration}): " +
                $"its 95th percentile response time over the last {facts.Window} is {facts.P95}, the warning threshold {facts.Warning}.",
            AlertKind.SlowRecovered =>
                $"The {facts.CheckName} check of amoCRM account {facts.Account} answers quickly again: its 95th percentile over the last {facts.Window} is {facts.P95}. " +
                $"The slow-down lasted {facts.Duration}.",
            AlertKind.Digest =>
                $"How amoCRM account {facts.Account} did from {facts.Since} to {facts.Until}: each check's uptime, response time (p95), incidents, downtime and mean time to recovery (MTTR). Maintenance is left out.",
            _ => $"This channel receives AmoHub alerts for amoCRM account {facts.Account}.",
        };

        public override string P95Label(string window) => $"p95 over {window}";

        public override string SlowSummary(Facts facts) => $"p95 {facts.P95} over {facts.Window} (warning at {facts.Warning})";

        public override string? Cause(string? errorCode) => errorCode switch
        {
            CheckErrorCodes.Reauthorize => "amoCRM refuses AmoHub's credentials: the integration must be authorized again in amoCRM.",
            CheckErrorCodes.PaymentRequired => "amoCRM answered 402: the amoCRM account plan or payment does not allow the API.",
            CheckErrorCodes.WebhookMissing => "AmoHub's webhook is gone from amoCRM's settings: changes do not arrive. AmoHub subscribes again by itself unless that is turned off.",
            CheckErrorCodes.WebhookDisabled => "amoCRM switched AmoHub's webhook off after many failed deliveries: changes do not arrive. AmoHub subscribes again by itself unless that is turned off.",
            _ => null,
        };

        private static string Accounts(int total) => string.Create(CultureInfo.InvariantCulture, $"{total} {(total == 1 ? "account" : "accounts")}");
    }
}
