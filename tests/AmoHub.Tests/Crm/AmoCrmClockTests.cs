using AmoHub.Grains.Crm;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AmoHub.Tests.Crm;

public sealed class AmoCrmClockTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 29, 0, 30, 0, TimeSpan.Zero);

    [Fact]
    public void A_time_within_the_allowed_skew_is_believed_and_one_past_it_is_not()
    {
        var time = new FakeTimeProvider(Now);
        var clock = new AmoCrmClock(time, TimeSpan.FromMinutes(5), NullLogger<AmoCrmClock>.Instance);

        Assert.False(clock.IsAhead(Now.AddMinutes(5), "acme", 1));
        Assert.True(clock.IsAhead(Now.AddMinutes(5).AddSeconds(1), "acme", 1));
        Assert.True(clock.IsAhead(Now.AddYears(5), "acme", 1));

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(clock.IsAhead(Now.AddMinutes(5).AddSeconds(1), "acme", 1));
        Assert.Equal(Now.AddMinutes(1), clock.Now);
    }
}
