using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Telemetry;

public sealed class TracingTests
{
    [Fact]
    public async Task A_request_s_trace_continues_into_its_grain_calls_and_its_amoCRM_requests()
    {
        var seen = new ConcurrentQueue<(string Source, string TraceId, string? Url)>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal)
                || source.Name is "Microsoft.AspNetCore" or "System.Net.Http" or "AmoHub.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => seen.Enqueue((activity.Source.Name, activity.TraceId.ToHexString(), activity.GetTagItem("url.full") as string)),
        };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("AmoHub.Tests");
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);

        string traceId;
        using (var test = source.StartActivity("create a contact"))
        {
            traceId = test!.TraceId.ToHexString();
            using var response = await hub.Http.PostAsync("/api/contacts", System.Net.Http.Json.JsonContent.Create(new { name = "Трассировка", phone = "+7 903 555-99-01" }));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        await Eventually.MatchAsync(
            () => Task.FromResult(seen.Where(entry => entry.TraceId == traceId).ToList()),
            trace => trace.Any(entry => entry.Source == "Microsoft.AspNetCore")
                && trace.Any(entry => entry.Source == "Microsoft.Orleans.Application")
                && trace.Any(entry => entry.Source == "System.Net.Http" && entry.Url?.Contains("/sandbox/api/v4/", StringComparison.Ordinal) == true),
            TimeSpan.FromSeconds(90),
            "the request, its grain calls and its amoCRM calls in one trace");
    }
}
