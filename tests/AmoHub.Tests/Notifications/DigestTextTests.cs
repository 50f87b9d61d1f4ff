using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Notifications;

namespace AmoHub.Tests.Notifications;

public sealed class DigestTextTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly DateTimeOffset To = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    private static readonly Alert Digest = new(
        AlertKind.Digest, "acme", null, null, To.AddDays(-7), To,
        Digest: new DigestReport(
            To.AddDays(-7),
            To,
            [
                new DigestCheck(CheckType.Get, 20_160, 99.996, 420, 2, TimeSpan.FromMinutes(40), TimeSpan.FromMinutes(20)),
                new DigestCheck(CheckType.Hook, 100, 0.29, 30_000, 1, TimeSpan.FromDays(6) + TimeSpan.FromHours(23), null),
                new DigestCheck(CheckType.Dp, 0, null, null, 0, TimeSpan.Zero, null),
            ],
            Scheduled: true));

    [Fact]
    public void A_Russian_digest_tells_the_week_in_the_accounts_time_and_each_check_on_a_line_with_a_dash_for_what_it_lacks()
    {
        var message = AlertText.Render(Digest, NotificationLanguage.Ru, Berlin);

        Assert.Equal("📊 acme: отчёт за неделю", message.Title);
        Assert.Contains("с 30.11.2026 09:00:00 UTC+01:00 по 07.12.2026 09:00:00 UTC+01:00", message.Text, StringComparison.Ordinal);
        Assert.Contains("Плановые работы не учитываются.", message.Text, StringComparison.Ordinal);
        Assert.Equal(
            [
                ("Аккаунт", "acme"),
                ("GET — чтение через API", "доступность 99,99 %, p95 420 мс, сбоев: 2, простой 40 мин, MTTR 20 мин"),
                ("HOOK — API вебхуков", "доступность 0,29 %, p95 30000 мс, сбоев: 1, простой 6 д 23 ч, MTTR —"),
                ("DP — Digital Pipeline", "доступность —, p95 —, сбоев: 0, простой 0 с, MTTR —"),
            ],
            message.Fields.Select(field => (field.Title, field.Value)));
    }

    [Fact]
    public void An_English_digest_reads_the_same_figures_in_English_and_Telegram_gets_them_as_bold_labelled_lines()
    {
        var message = AlertText.Render(Digest, NotificationLanguage.En, Berlin);
        var telegram = TelegramHtml.Format(message);

        Assert.Equal("📊 acme: weekly report", message.Title);
        Assert.Contains("from 2026-11-30 09:00:00 UTC+01:00 to 2026-12-07 09:00:00 UTC+01:00", message.Text, StringComparison.Ordinal);
        Assert.Contains("Maintenance is left out.", message.Text, StringComparison.Ordinal);
        Assert.Contains("<b>GET — API read:</b> uptime 99.99%, p95 420 ms, incidents: 2, downtime 40 min, MTTR 20 min", telegram, StringComparison.Ordinal);
        Assert.Contains("<b>DP — Digital Pipeline:</b> uptime —, p95 —, incidents: 0, downtime 0 s, MTTR —", telegram, StringComparison.Ordinal);
        Assert.Contains("GET — API read: uptime 99.99%", message.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void A_scheduled_digest_is_one_message_per_week_and_one_asked_for_is_another()
    {
        var asked = Digest with { Digest = Digest.Digest! with { Scheduled = false } };

        Assert.Equal(("digest", "digest:" + To.ToUnixTimeMilliseconds()), (Digest.Event, Digest.Key));
        Assert.Equal("digest-now:" + To.ToUnixTimeMilliseconds(), asked.Key);
    }
}
