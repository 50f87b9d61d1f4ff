using System.Globalization;
using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.WebApi.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AmoHub.WebApi.Monitoring;

/// <summary>
/// The parameters the monitoring reads share: <c>account</c> (or its alias <c>clientId</c>), <c>hours</c> and
/// <c>checkType</c>. Checking them fills <see cref="Errors"/> with one entry per bad parameter, named as in the query.
/// </summary>
public sealed class MonitoringParameters
{
    /// <summary>The longest range the monitoring reads answer for, in hours (30 days).</summary>
    public const int MaxHours = 720;

    /// <summary>The range when <c>hours</c> is left out.</summary>
    public const int DefaultHours = 24;

    /// <summary>Errors by parameter name, for a validation problem.</summary>
    public Dictionary<string, string[]> Errors { get; } = [];

    /// <summary><c>hours</c>: a whole number 1-720, 24 when left out.</summary>
    public int Hours(string? value) => Number("hours", value, DefaultHours, 1, MaxHours);

    /// <summary><c>checkType</c>: GET, POST, WEB, HOOK or DP (any case); null when left out.</summary>
    public CheckType? CheckType(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (CheckTypes.TryParse(value.Trim(), out var checkType))
        {
            return checkType;
        }

        Errors["checkType"] = ["must be one of GET, POST, WEB, HOOK, DP."];
        return null;
    }

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>], <paramref name="fallback"/> when left out.</summary>
    public int Number(string name, string? value, int fallback, int min, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        Errors[name] = [$"must be a whole number from {min} to {max}."];
        return fallback;
    }

    /// <summary>One of <paramref name="allowed"/> (any case, returned lower-case), <paramref name="fallback"/> when left out.</summary>
    public string Choice(string name, string? value, string fallback, IReadOnlyList<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        var choice = value.Trim().ToLowerInvariant();
        if (allowed.Contains(choice))
        {
            return choice;
        }

        Errors[name] = [$"must be one of {string.Join(", ", allowed)}."];
        return fallback;
    }

    /// <summary>The validation problem naming every bad parameter, or null when all were good.</summary>
    public ValidationProblem? Invalid => Errors.Count > 0 ? Problems.Invalid(Errors) : null;

    /// <summary>The range of the last <paramref name="hours"/> up to now for the account.</summary>
    public static MonitoringRange Range(RequestAccount account, int hours, CheckType? checkType, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        return new MonitoringRange(account.Subdomain, now.AddHours(-hours), now, checkType);
    }
}
