using AmoHub.WebApi.Hosting;

namespace AmoHub.Tests.Crm;

/// <summary>Which failed grain calls the WebApi hands again: those that lost a silo, however they come wrapped.</summary>
public sealed class SiloLossTests
{
    public static TheoryData<Exception, bool> Failures => new()
    {
        { new SiloUnavailableException(), true },
        { new TimeoutException(), true },
        { new OrleansException("the call failed", new SiloUnavailableException()), true },
        { new InvalidOperationException("a grain's call to another failed", new OrleansException("wrapped", new TimeoutException())), true },
        { new AggregateException(new ArgumentException("bad"), new SiloUnavailableException()), true },
        { new OrleansException("the grain threw"), false },
        { new InvalidOperationException("a bug", new ArgumentException("bad input")), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void A_lost_silo_is_recognised_even_wrapped_and_nothing_else_is(Exception failure, bool lost) =>
        Assert.Equal(lost, SiloLoss.Is(failure));
}
