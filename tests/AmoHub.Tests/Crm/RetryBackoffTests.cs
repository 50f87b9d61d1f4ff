using AmoHub.Grains.Crm;

namespace AmoHub.Tests.Crm;

public sealed class RetryBackoffTests
{
    [Fact]
    public void A_failed_pass_comes_back_after_5_s_then_twice_as_long_each_time_up_to_a_minute() =>
        Assert.Equal(
            [5, 10, 20, 40, 60, 60],
            Enumerable.Range(1, 6).Select(failures => RetryBackoff.Delay(failures).TotalSeconds));
}
