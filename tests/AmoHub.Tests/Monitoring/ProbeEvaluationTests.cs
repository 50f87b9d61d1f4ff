using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Probes;

namespace AmoHub.Tests.Monitoring;

public sealed class ProbeEvaluationTests
{
    private static readonly CheckThresholds Get = new ProbeThresholds().Get;

    private static CheckResult Result(HealthStatus status, int responseTimeMs, string? code = null) =>
        new(DateTimeOffset.UnixEpoch, status, responseTimeMs, 200, null, code);

    [Theory]
    [InlineData(1999, HealthStatus.Up, null)]
    [InlineData(2000, HealthStatus.Warning, CheckErrorCodes.Slow)]
    [InlineData(4999, HealthStatus.Warning, CheckErrorCodes.Slow)]
    [InlineData(5000, HealthStatus.Down, CheckErrorCodes.Slow)]
    public void A_GET_answer_is_a_warning_from_2_s_and_down_from_5_s(int responseTimeMs, HealthStatus expected, string? code)
    {
        var classified = ProbeEvaluation.Classify(Result(HealthStatus.Up, responseTimeMs), Get);

        Assert.Equal((expected, code), (classified.Status, classified.ErrorCode));
        if (expected != HealthStatus.Up)
        {
            Assert.Contains($"{responseTimeMs} ms", classified.ErrorMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_default_thresholds_are_the_reference_monitors()
    {
        var thresholds = new ProbeThresholds();

        Assert.Equal((2, 5), (thresholds.Get.Warning.TotalSeconds, thresholds.Get.Down.TotalSeconds));
        Assert.Equal((2, 5), (thresholds.Hook.Warning.TotalSeconds, thresholds.Hook.Down.TotalSeconds));
        Assert.Equal((3, 7), (thresholds.Post.Warning.TotalSeconds, thresholds.Post.Down.TotalSeconds));
        Assert.Equal((3, 8), (thresholds.Web.Warning.TotalSeconds, thresholds.Web.Down.TotalSeconds));
        Assert.Equal((30, 50), (thresholds.Dp.Warning.TotalSeconds, thresholds.Dp.Down.TotalSeconds));
    }

    [Fact]
    public void A_client_error_keeps_its_status_and_gets_a_code_from_its_HTTP_status()
    {
        var classified = ProbeEvaluation.Classify(new CheckResult(DateTimeOffset.UnixEpoch, HealthStatus.Warning, 50, 401, "refused", null), Get);

        Assert.Equal((HealthStatus.Warning, CheckErrorCodes.Unauthorized), (classified.Status, classified.ErrorCode));
    }

    [Fact]
    public void Warnings_in_a_row_escalate_to_down_and_an_up_between_them_resets_the_count()
    {
        var probe = new ProbeState { Status = HealthStatus.Up };
        var warning = Result(HealthStatus.Warning, 10, CheckErrorCodes.Forbidden);

        Assert.Equal(HealthStatus.Warning, Step(probe, warning).Status);
        Assert.Equal(HealthStatus.Warning, Step(probe, warning).Status);
        Assert.Equal(HealthStatus.Up, Step(probe, Result(HealthStatus.Up, 10)).Status);
        Assert.Equal(HealthStatus.Warning, Step(probe, warning).Status);
        Assert.Equal(HealthStatus.Warning, Step(probe, warning).Status);
        Assert.Equal((HealthStatus.Down, CheckErrorCodes.Escalated), Step(probe, warning));
    }

    [Fact]
    public void A_check_the_account_has_not_configured_stays_a_warning_however_often_it_repeats()
    {
        var probe = new ProbeState { Status = HealthStatus.Up };
        var unconfigured = Result(HealthStatus.Warning, 0, CheckErrorCodes.NotConfigured);

        var steps = Enumerable.Range(0, 10).Select(_ => Step(probe, unconfigured)).ToList();

        Assert.All(steps, step => Assert.Equal((HealthStatus.Warning, CheckErrorCodes.NotConfigured), step));
    }

    [Fact]
    public void A_check_that_is_down_needs_the_configured_number_of_good_results_to_recover()
    {
        var probe = new ProbeState { Status = HealthStatus.Up };
        var down = Result(HealthStatus.Down, 10, CheckErrorCodes.ServerError);
        var up = Result(HealthStatus.Up, 10);

        Assert.Equal((HealthStatus.Down, CheckErrorCodes.ServerError), Step(probe, down));
        Assert.Equal(HealthStatus.Down, Step(probe, up).Status);
        Assert.Equal(HealthStatus.Down, Step(probe, down).Status);
        Assert.Equal(HealthStatus.Down, Step(probe, up).Status);
        Assert.Equal(HealthStatus.Down, Step(probe, up).Status);
        Assert.Equal((HealthStatus.Up, (string?)null), Step(probe, up));
    }

    private static (HealthStatus Status, string? Reason) Step(ProbeState probe, CheckResult result)
    {
        var next = ProbeEvaluation.Advance(probe, result, escalateAfter: 3, recoverAfter: 3);
        probe.Status = next.Status;
        probe.Reason = next.Reason;
        return next;
    }
}
