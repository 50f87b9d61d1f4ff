using AmoHub.Grains.Interfaces.Maintenance;

namespace AmoHub.Grains.Maintenance;

/// <summary>What a maintenance window may be, checked before it is stored; errors name the API's fields.</summary>
public static class MaintenanceRules
{
    /// <summary>The longest one-off window.</summary>
    public static readonly TimeSpan MaxOneOff = TimeSpan.FromDays(31);

    /// <summary>The longest occurrence of a recurring window.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(7);

    /// <summary>The most windows a deployment keeps.</summary>
    public const int MaxWindows = 500;

    private const int MaxReason = 500;

    /// <summary>The request trimmed: blank texts left out.</summary>
    public static MaintenanceRequest Normalize(MaintenanceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request with
        {
            Account = Blank(request.Account),
            Cron = Blank(request.Cron),
            TimeZone = Blank(request.TimeZone),
            Reason = Blank(request.Reason),
        };
    }

    /// <summary>The problems with a normalized request, by field; empty when it can be stored.</summary>
    public static Dictionary<string, string[]> Validate(MaintenanceRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>();
        var oneOff = request.From is not null || request.To is not null;
        var recurring = request.Cron is not null || request.TimeZone is not null || request.Duration is not null;
        if (oneOff == recurring)
        {
            errors["from"] = ["give either from and to (a one-off window), or cron, timeZone and duration (a recurring one)."];
        }
        else if (oneOff)
        {
            ValidateOneOff(request, now, errors);
        }
        else
        {
            ValidateRecurring(request, errors);
        }

        if (request.Reason is { Length: > MaxReason })
        {
            errors["reason"] = [$"is longer than {MaxReason} characters."];
        }

        return errors;
    }

    private static void ValidateOneOff(MaintenanceRequest request, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        if (request.From is not { } from)
        {
            errors["from"] = ["is required with to."];
        }
        else if (request.To is not { } to)
        {
            errors["to"] = ["is required with from."];
        }
        else if (to <= from)
        {
            errors["to"] = ["must be after from."];
        }
        else if (to <= now)
        {
            errors["to"] = ["is in the past."];
        }
        else if (to - from > MaxOneOff)
        {
            errors["to"] = [$"a window lasts at most {MaxOneOff.TotalDays:0} days."];
        }
    }

    private static void ValidateRecurring(MaintenanceRequest request, Dictionary<string, string[]> errors)
    {
        if (!MaintenanceSchedule.TryParseCron(request.Cron, out _))
        {
            errors["cron"] = ["must be a five-field cron expression (minute hour day-of-month month day-of-week), such as \"30 2 * * 0\"."];
        }

        if (request.TimeZone is null || !TimeZoneInfo.TryFindSystemTimeZoneById(request.TimeZone, out _))
        {
            errors["timeZone"] = ["must be an IANA time zone id such as Europe/Moscow."];
        }

        if (request.Duration is not { } duration || duration < TimeSpan.FromMinutes(1) || duration > MaxDuration)
        {
            errors["duration"] = [$"must be from 1 minute to {MaxDuration.TotalDays:0} days (hh:mm:ss or d.hh:mm:ss)."];
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
