using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.Grains.Notifications;

/// <summary>A slow-down of one check as the notifier follows it, from the probe's first slow notice to its end.</summary>
[GenerateSerializer, Alias("amohub.SlowEpisode")]
public sealed class SlowEpisode
{
    /// <summary>The slow check.</summary>
    [Id(0)]
    public CheckType CheckType { get; set; }

    /// <summary>The result whose percentile first reached the warning threshold.</summary>
    [Id(1)]
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>The percentile, threshold and window when it began.</summary>
    [Id(2)]
    public SlowMeasure? Measure { get; set; }

    /// <summary>When its slow alert was raised; null while none was (and then its end raises nothing).</summary>
    [Id(3)]
    public DateTimeOffset? AlertedAt { get; set; }
}

/// <summary>
/// The slow-downs of an account's checks: a slow notice opens an episode (a repeat while one is open changes
/// nothing), an episode still open <see cref="SlowAlertSettings.Delay"/> after it began raises one slow alert, held to
/// the end of a maintenance under way, and the end of an alerted episode raises one fast-again alert; an episode that
/// ends within the delay raises nothing at all.
/// </summary>
public static class SlowEpisodes
{
    /// <summary>
    /// Applies a probe's notice to the open <paramref name="episodes"/>; <paramref name="recovered"/> is the alert an
    /// alerted episode's end raises. Answers whether anything changed.
    /// </summary>
    public static bool Apply(Dictionary<CheckType, SlowEpisode> episodes, SlowNotice notice, out Alert? recovered)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        ArgumentNullException.ThrowIfNull(notice);
        recovered = null;
        if (notice.Slow)
        {
            return episodes.TryAdd(notice.CheckType, new SlowEpisode
            {
                CheckType = notice.CheckType,
                StartedAt = notice.At,
                Measure = new SlowMeasure(notice.P95Ms, notice.WarningMs, notice.Window),
            });
        }

        if (!episodes.Remove(notice.CheckType, out var episode))
        {
            return false;
        }

        if (episode.AlertedAt is not null)
        {
            recovered = new Alert(
                AlertKind.SlowRecovered, notice.Account, notice.CheckType, null, episode.StartedAt, notice.At,
                Slow: new SlowMeasure(notice.P95Ms, notice.WarningMs, notice.Window));
        }

        return true;
    }

    /// <summary>
    /// When the slow alert of <paramref name="episode"/> is due: <paramref name="delay"/> after it began, or at the end
    /// of the maintenance under way (<paramref name="heldUntil"/>) if later; null once raised or while they are off.
    /// </summary>
    public static DateTimeOffset? DueAt(SlowEpisode episode, TimeSpan delay, bool enabled, DateTimeOffset? heldUntil)
    {
        ArgumentNullException.ThrowIfNull(episode);
        if (!enabled || episode.AlertedAt is not null)
        {
            return null;
        }

        var due = episode.StartedAt + delay;
        return heldUntil is { } until && until > due ? until : due;
    }

    /// <summary>The slow alerts due at <paramref name="now"/>, each episode marked as alerted.</summary>
    public static List<Alert> RaiseDue(
        Dictionary<CheckType, SlowEpisode> episodes, string account, DateTimeOffset now, TimeSpan delay, bool enabled, DateTimeOffset? heldUntil)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        var alerts = new List<Alert>();
        foreach (var episode in episodes.Values.OrderBy(episode => episode.StartedAt))
        {
            if (DueAt(episode, delay, enabled, heldUntil) is { } due && due <= now)
            {
                episode.AlertedAt = now;
                alerts.Add(new Alert(AlertKind.Slow, account, episode.CheckType, null, episode.StartedAt, now, Slow: episode.Measure));
            }
        }

        return alerts;
    }
}
