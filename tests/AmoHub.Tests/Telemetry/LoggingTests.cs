using System.Net;
using System.Text.Json;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Telemetry;

public sealed class LoggingTests
{
    [Fact]
    public async Task With_JSON_logs_each_line_is_a_JSON_object_and_a_request_carries_its_trace_id()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        var settings = SiloSettings.For(database);
        settings["AmoHub__Logging__Json"] = "true";
        settings["AmoHub__Probes__Enabled"] = "false";
        settings["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information";
        await using var silo = AmoHubProcess.StartSilo(settings);
        await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(180));

        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/status");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        // A client that sends the traceparent header as written, whatever activity listeners the test process has.
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = silo.BaseAddress };
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var line = await Eventually.MatchAsync(
            () => Task.FromResult(silo.Output.Split('\n').FirstOrDefault(l => l.Contains(traceId, StringComparison.Ordinal))),
            found => found is not null,
            TimeSpan.FromSeconds(90),
            "a log line of the request");
        var entry = JsonDocument.Parse(line!).RootElement;
        Assert.Contains(entry.GetProperty("Scopes").EnumerateArray(),
            scope => scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty("TraceId", out var id) && id.GetString() == traceId);
        Assert.All(silo.Output.Split('\n').Where(l => l.Length > 0), l => JsonDocument.Parse(l).Dispose());
    }
}
