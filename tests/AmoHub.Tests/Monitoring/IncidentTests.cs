using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Sandbox.Faults;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Monitoring;

public sealed class IncidentTests
{
    private const string Account = "sandbox";

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task All_five_checks_report_within_one_interval_and_an_outage_opens_one_incident_per_check_that_recovery_closes(StorageProvider engine)
    {
        await using var hub = await MonitoringHost.StartAsync(engine, new Dictionary<string, string> { ["AmoHub:Probes:Interval"] = "00:00:02" });
        var started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        await MonitoringHost.WaitForAllAsync(hub, "up");
        foreach (var check in MonitoringHost.AllChecks)
        {
            // Results reach health_checks in batches, so the first row may land a moment after the status turned up.
            var first = await Eventually.MatchAsync(
                () => hub.Database.ScalarAsync($"SELECT COALESCE(MIN(timestamp), 0) FROM health_checks WHERE check_type = '{check}'"),
                stored => stored > 0,
                TimeSpan.FromSeconds(10),
                $"the first {check} result to be stored");
            // One interval, and slack for the first call's JIT and connections on a loaded machine: a reminder's first
            // tick (a minute at least) would miss it by far.
            Assert.True(first - started < 2_000 + 4_000, $"{check} first ran {first - started} ms after AmoHub had started");
        }

        hub.Sandbox.Sandbox.SetFault(Account, new SandboxFault(FailureRate: 1.0, FailureStatus: 503));
        await MonitoringHost.WaitForAllAsync(hub, "down");
        // Only the outage's incidents: a check that failed once while the host was starting has one of its own.
        var open = await MonitoringHost.WaitForOpenIncidentsAsync(hub, 5);
        Assert.Equal(MonitoringHost.AllChecks.Order(), open.Select(i => i.GetProperty("checkType").GetString()!).Order());
        Assert.All(open, incident => Assert.True(incident.GetProperty("open").GetBoolean()));
        Assert.All(open, incident => Assert.Equal(JsonValueKind.Null, incident.GetProperty("endTime").ValueKind));
        var outage = MonitoringHost.Ids(open);

        hub.Sandbox.Sandbox.ClearFaults(Account);
        await MonitoringHost.WaitForAllAsync(hub, "up");
        var all = await MonitoringHost.WaitForClosedAsync(hub, outage);
        Assert.All(all.Where(incident => outage.Contains(incident.GetProperty("id").GetInt64())), incident =>
        {
            var start = incident.GetProperty("startTime").GetDateTimeOffset();
            var end = incident.GetProperty("endTime").GetDateTimeOffset();
            Assert.Equal((long)(end - start).TotalMilliseconds, incident.GetProperty("duration").GetInt64());
            Assert.True(end > start);
        });
        Assert.Equal(5, await hub.Database.ScalarAsync(
            $"SELECT COUNT(*) FROM incidents WHERE id IN ({string.Join(',', outage)}) AND end_time IS NOT NULL AND duration = end_time - start_time"));
        Assert.Equal(
            all.Select(i => i.GetProperty("startTime").GetDateTimeOffset()).OrderDescending(),
            all.Select(i => i.GetProperty("startTime").GetDateTimeOffset()));
    }

    [Fact]
    public async Task Slow_answers_give_warnings_with_the_reason_at_the_configured_thresholds_and_escalate_when_they_persist()
    {
        await using var hub = await MonitoringHost.StartAsync(StorageProvider.Sqlite, GetThresholds(escalateAfter: 1000));
        await MonitoringHost.WaitForAllAsync(hub, "up");

        hub.Sandbox.Sandbox.SetFault(Account, new SandboxFault(Latency: TimeSpan.FromMilliseconds(600)));
        var slow = await Eventually.MatchAsync(
            () => MonitoringHost.ChecksAsync(hub), checks => checks.Status("GET") == "warning", TimeSpan.FromSeconds(20), "GET to warn");
        Assert.Equal("slow", slow.Reason("GET"));
        Assert.InRange(slow.Check("GET").GetProperty("responseTime").GetInt32(), 300, 1999);
        Assert.Equal("up", slow.Status("HOOK"));

        hub.Sandbox.Sandbox.SetFault(Account, new SandboxFault(Latency: TimeSpan.FromMilliseconds(2500)));
        var down = await Eventually.MatchAsync(
            () => MonitoringHost.ChecksAsync(hub), checks => checks.Status("GET") == "down", TimeSpan.FromSeconds(20), "GET to go down");
        Assert.Equal("slow", down.Reason("GET"));
        hub.Sandbox.Sandbox.ClearFaults(Account);

        await using var escalating = await MonitoringHost.StartAsync(StorageProvider.Sqlite, GetThresholds(escalateAfter: 3));
        await MonitoringHost.WaitForAllAsync(escalating, "up");
        escalating.Sandbox.Sandbox.SetFault(Account, new SandboxFault(Latency: TimeSpan.FromMilliseconds(600)));
        await Eventually.MatchAsync(
            () => MonitoringHost.ChecksAsync(escalating),
            checks => checks.Status("GET") == "down" && checks.Reason("GET") == "escalated",
            TimeSpan.FromSeconds(30),
            "GET to escalate");
        await Eventually.MatchAsync(
            () => escalating.Database.ScalarAsync("SELECT COUNT(*) FROM health_checks WHERE check_type = 'GET' AND status = 'warning' AND error_code = 'slow'"),
            count => count >= 3, TimeSpan.FromSeconds(10), "the three slow warnings to be recorded");
    }

    /// <summary>
    /// GET warns from 300 ms and is down from 2 s, with a 6 s timeout. The slowed answers sit far from the next
    /// threshold (600 ms in 300 ms..2 s, 2.5 s in 2..6 s), so a loaded machine's extra hundreds of milliseconds turn
    /// neither a warning into down nor a slow answer into a timeout.
    /// </summary>
    private static Dictionary<string, string> GetThresholds(int escalateAfter) => new()
    {
        ["AmoHub:Probes:Thresholds:Get:Warning"] = "00:00:00.300",
        ["AmoHub:Probes:Thresholds:Get:Down"] = "00:00:02",
        ["AmoHub:Probes:Timeout"] = "00:00:06",
        ["AmoHub:Probes:EscalateAfter"] = escalateAfter.ToString(CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task A_check_that_goes_down_logs_its_reason_code_with_the_raw_error_for_operators()
    {
        using var logs = new CapturedLogs();
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite, MonitoringHost.FastProbes(), logs);
        await MonitoringHost.WaitForAllAsync(hub, "up");

        hub.Sandbox.Sandbox.SetFault(Account, new SandboxFault(FailureRate: 1.0, FailureStatus: 503));
        var line = await Eventually.MatchAsync(
            () => Task.FromResult(logs.Lines.FirstOrDefault(line => line.EventId == 5300 && line.Message.StartsWith($"{Account}/Get is Down", StringComparison.Ordinal))),
            found => found is not null,
            TimeSpan.FromSeconds(30),
            "the GET check's down line");

        Assert.Equal("sandbox/Get is Down: reason server_error, HTTP status 503, error: amoCRM failed (503).", line!.Message);
    }

    [Fact]
    public async Task Incidents_can_be_acknowledged_and_noted_and_bad_input_names_the_field()
    {
        await using var hub = await MonitoringHost.StartAsync(StorageProvider.Sqlite);
        await MonitoringHost.WaitForAllAsync(hub, "up");
        hub.Sandbox.Sandbox.SetFault(Account, new SandboxFault(FailureRate: 1.0, FailureStatus: 500));
        var incident = (await Eventually.MatchAsync(() => MonitoringHost.IncidentsAsync(hub), found => found.Count > 0, TimeSpan.FromSeconds(20), "an incident"))[0];
        var id = incident.GetProperty("id").GetInt64();

        using var ack = await hub.Http.PostAsJsonAsync($"/api/incidents/{id}/acknowledge?account={Account}", new { by = "duty engineer" });
        using var note = await hub.Http.PostAsJsonAsync($"/api/incidents/{id}/notes?account={Account}", new { text = "amoCRM support ticket 12345", author = "anna" });
        using var empty = await hub.Http.PostAsJsonAsync($"/api/incidents/{id}/notes?account={Account}", new { text = "  " });
        using var unknown = await hub.Http.PostAsJsonAsync($"/api/incidents/999999/acknowledge?account={Account}", new { by = "x" });
        using var badLimit = await hub.Http.GetAsync($"/api/incidents?account={Account}&limit=0");

        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Equal(HttpStatusCode.Created, note.StatusCode);
        Assert.Equal("amoCRM support ticket 12345", (await note.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString());
        var noted = await hub.Http.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}?account={Account}");
        Assert.True(noted.GetProperty("acknowledged").GetBoolean());
        Assert.Equal("duty engineer", noted.GetProperty("acknowledgedBy").GetString());
        Assert.Equal("amoCRM support ticket 12345", noted.GetProperty("notes")[0].GetProperty("text").GetString());
        await AssertProblemAsync(empty, HttpStatusCode.BadRequest, "text");
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound, null);
        await AssertProblemAsync(badLimit, HttpStatusCode.BadRequest, "limit");
        Assert.Equal(1, await hub.Database.ScalarAsync("SELECT COUNT(*) FROM incident_notes"));
        hub.Sandbox.Sandbox.ClearFaults(Account);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_note_answers_itself_the_incident_shows_its_newest_notes_and_notes_are_paged_and_capped(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);
        await hub.Database.ExecuteAsync($"INSERT INTO incidents (account, check_type, start_time) VALUES ('{Account}', 'GET', 1000)");
        var id = await hub.Database.ScalarAsync("SELECT MAX(id) FROM incidents");
        await hub.Database.ExecuteAsync(
            "INSERT INTO incident_notes (incident_id, created_at, author, text) VALUES " +
            string.Join(", ", Enumerable.Range(0, 498).Select(i => $"({id}, {2000 + i}, 'ops', 'note {i}')")));

        using var added = await hub.Http.PostAsJsonAsync($"/api/incidents/{id}/notes?account={Account}", new { text = "тикет 499", author = "anna" });
        using var last = await hub.Http.PostAsJsonAsync($"/api/incidents/{id}/notes?account={Account}", new { text = "тикет 500" });
        using var tooLong = await hub.Http.PostAsJsonAsync($"/api/incidents/{id}/notes?account={Account}", new { text = new string('x', 2001) });
        using var full = await hub.Http.PostAsJsonAsync($"/api/incidents/{id}/notes?account={Account}", new { text = "тикет 501" });
        using var firstPage = await hub.Http.GetAsync($"/api/incidents/{id}/notes?account={Account}&limit=200");

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var note = await added.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("тикет 499", note.GetProperty("text").GetString());
        Assert.False(note.TryGetProperty("notes", out _), "the answer is the note, not the incident with every note");
        Assert.True((await added.Content.ReadAsStringAsync()).Length < 1024, "a note's answer stays small whatever the incident holds");
        Assert.Equal(HttpStatusCode.Created, last.StatusCode);
        await AssertProblemAsync(tooLong, HttpStatusCode.BadRequest, "text");
        await AssertProblemAsync(full, HttpStatusCode.Conflict, null);
        Assert.Equal(500, await hub.Database.ScalarAsync($"SELECT COUNT(*) FROM incident_notes WHERE incident_id = {id}"));

        var incident = await hub.Http.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}?account={Account}");
        Assert.Equal(500, incident.GetProperty("notesCount").GetInt32());
        Assert.Equal(20, incident.GetProperty("notes").GetArrayLength());
        Assert.Equal("тикет 500", incident.GetProperty("notes")[19].GetProperty("text").GetString());

        var texts = new List<string>();
        var next = $"/api/incidents/{id}/notes?account={Account}&limit=200";
        while (next is not null)
        {
            using var page = await hub.Http.GetAsync(next);
            texts.AddRange((await page.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(n => n.GetProperty("text").GetString()!));
            next = page.Headers.TryGetValues("Link", out var links) ? links.Single().Split('<', '>')[1] : null;
        }

        Assert.Equal(500, texts.Count);
        Assert.Equal(500, texts.Distinct().Count());
        Assert.Equal("тикет 500", texts[0]);
        Assert.Equal(HttpStatusCode.OK, firstPage.StatusCode);
    }

    [Fact]
    public async Task After_a_restart_probes_resume_and_an_open_incident_stays_open_until_the_check_recovers()
    {
        await using var amoCrm = await StandaloneSandbox.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["AmoHub:Sandbox:Enabled"] = "false",
            ["AmoHub:Accounts:0:Subdomain"] = "acme",
            ["AmoHub:Accounts:0:BaseUrl"] = new Uri(amoCrm.Url, "acme/").AbsoluteUri,
            ["AmoHub:Accounts:0:AccessToken"] = amoCrm.AccessToken,
            ["AmoHub:Probes:ReminderPeriod"] = "00:00:02",
        };
        using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        amoCrm.Sandbox.SetFault("acme", new SandboxFault(FailureRate: 1.0, FailureStatus: 502));
        long incidentId;
        DateTimeOffset start;
        await using (var first = await MonitoringHost.StartOnAsync(database, settings))
        {
            var incident = (await Eventually.MatchAsync(
                () => MonitoringHost.IncidentsAsync(first, "acme", "&checkType=GET"), found => found.Count == 1, TimeSpan.FromSeconds(20), "a GET incident"))[0];
            incidentId = incident.GetProperty("id").GetInt64();
            start = incident.GetProperty("startTime").GetDateTimeOffset();
        }

        var stoppedAt = DateTimeOffset.UtcNow;
        await using var second = await MonitoringHost.StartOnAsync(database, settings);
        await Eventually.MatchAsync(
            () => database.ScalarAsync($"SELECT COUNT(*) FROM health_checks WHERE account = 'acme' AND check_type = 'GET' AND timestamp > {stoppedAt.ToUnixTimeMilliseconds()}"),
            count => count > 0, TimeSpan.FromSeconds(20), "the GET probe to resume after the restart");
        var stillOpen = await MonitoringHost.IncidentsAsync(second, "acme", "&checkType=GET");
        Assert.Equal((incidentId, true), (stillOpen.Single().GetProperty("id").GetInt64(), stillOpen.Single().GetProperty("open").GetBoolean()));

        amoCrm.Sandbox.ClearFaults("acme");
        var closed = (await Eventually.MatchAsync(
            () => MonitoringHost.IncidentsAsync(second, "acme", "&checkType=GET"),
            found => found.Count == 1 && !found[0].GetProperty("open").GetBoolean(), TimeSpan.FromSeconds(20), "the GET incident to close"))[0];
        Assert.Equal(incidentId, closed.GetProperty("id").GetInt64());
        Assert.Equal(start, closed.GetProperty("startTime").GetDateTimeOffset());
        Assert.True(closed.GetProperty("endTime").GetDateTimeOffset() > stoppedAt);
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? field)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null)
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"the problem names {field}: {problem}");
        }
    }
}
