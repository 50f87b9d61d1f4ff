using System.Diagnostics.Metrics;
using AmoHub.Grains.Crm.Operations;
using AmoHub.Grains.Interfaces.Crm;
using Microsoft.Extensions.Time.Testing;

namespace AmoHub.Tests.Crm;

/// <summary>
/// The backlog's metrics as a listener on the meter reads them: what an account's operations grain counts, and the age
/// of its oldest waiting request by the grain's clock.
/// </summary>
public sealed class OperationMetricsTests
{
    [Fact]
    public void An_active_accounts_backlog_is_measured_as_its_count_and_the_age_of_its_oldest_request_and_not_once_it_deactivates()
    {
        var account = $"metrics-{Guid.NewGuid():N}";
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        var backlog = new OperationsBacklog(4, time.GetUtcNow().AddSeconds(-90));
        Func<OperationsBacklog> source = () => backlog;

        OperationMetrics.Track(account, source, time);
        time.Advance(TimeSpan.FromSeconds(30));
        var measured = Measure(account);
        OperationMetrics.Untrack(account, source);
        var afterwards = Measure(account);

        Assert.Equal(4, measured["amohub.operations.pending"]);
        Assert.Equal(120, measured["amohub.operations.oldest_pending_age"]);
        Assert.Empty(afterwards);
    }

    /// <summary>What the backlog gauges report for <paramref name="account"/> now.</summary>
    private static Dictionary<string, double> Measure(string account)
    {
        var measured = new Dictionary<string, double>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == OperationMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
        listener.RecordObservableInstruments();
        return measured;

        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "account" && Equals(tag.Value, account))
                {
                    measured[instrument.Name] = value;
                }
            }
        }
    }
}
