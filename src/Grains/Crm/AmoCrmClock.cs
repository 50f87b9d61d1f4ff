using Microsoft.Extensions.Logging;

namespace AmoHub.Grains.Crm;

/// <summary>
/// Keeps amoCRM's <c>updated_at</c> times believable. A time far ahead of now (a bad clock, a forged delivery) would
/// make its snapshot win over every later change, so a time more than <c>maxClockSkew</c> (<c>AmoHub:AmoCrm:MaxClockSkew</c>) ahead
/// is not believed, and is logged: a webhook event carrying one is ignored (the sync it starts reads the truth), and
/// what amoCRM's API says now is taken as of now.
/// </summary>
public sealed partial class AmoCrmClock(TimeProvider time, TimeSpan maxClockSkew, ILogger<AmoCrmClock> logger)
{
    /// <summary>AmoHub's time now.</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Whether <paramref name="at"/> is further ahead of now than amoCRM's clock can be; logged when it is.</summary>
    public bool IsAhead(DateTimeOffset at, string account, long amoCrmId)
    {
        var now = time.GetUtcNow();
        if (at <= now + maxClockSkew)
        {
            return false;
        }

        LogAhead(logger, account, amoCrmId, at, now);
        return true;
    }

    [LoggerMessage(EventId = 4112, Level = LogLevel.Warning, Message = "Account {Account}: entity {AmoCrmId} came stamped {At:o}, ahead of now ({Now:o}); not believed")]
    private static partial void LogAhead(ILogger logger, string account, long amoCrmId, DateTimeOffset at, DateTimeOffset now);
}
