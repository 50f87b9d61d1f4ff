using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using AmoHub.Tests.Monitoring;

namespace AmoHub.Tests.Crm;

/// <summary>
/// Leads go into a pipeline of the account. What amoCRM ended with is read over the sandbox's control surface
/// (<c>/_sandbox/accounts/{sub}/…</c>), as a person would look in amoCRM; pipelines are added there by seeding.
/// </summary>
public sealed class LeadPipelineTests
{
    private const string Account = "sandbox";

    // The sandbox numbers its pipelines: the main one, then the second and third seeding adds, each with open statuses
    // of its own at +10, +11, +12, and won (142) and lost (143) like every pipeline.
    private const long Main = 1_000_001;
    private const long Second = 1_001_001;
    private const long Third = 1_002_001;
    private const long Won = 142;
    private const long Lost = 143;

    [Fact]
    public async Task A_lead_created_with_a_pipeline_and_status_lands_in_that_pipeline_in_amoCRM()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);
        using var control = Control(hub.Sandbox.Url);
        await SeedPipelinesAsync(control, Account, 3);

        using var won = await hub.Http.PostAsJsonAsync("/api/leads", new { name = "Опт: поставка", pipelineId = Third, statusId = Won, contactPhone = "+7 903 610-00-01" });
        using var lost = await hub.Http.PostAsJsonAsync("/api/leads", new { name = "Опт: возврат", pipelineId = Third, status = Lost });
        using var opened = await hub.Http.PostAsJsonAsync("/api/leads", new { name = "Опт: новая", pipelineId = Second });

        Assert.All(new[] { won, lost, opened }, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
        var answer = await won.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((Third, Won), (answer.GetProperty("pipelineId").GetInt64(), answer.GetProperty("statusId").GetInt64()));
        var leads = await LeadsAsync(control, Account);
        Assert.Equal((Third, Won), Placement(leads, "Опт: поставка"));
        Assert.Equal((Third, Lost), Placement(leads, "Опт: возврат"));
        Assert.Equal((Second, Second + 10), Placement(leads, "Опт: новая"));
    }

    [Fact]
    public async Task An_unknown_pipeline_is_refused_naming_pipelineId_and_nothing_reaches_amoCRM_or_our_copy()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);
        using var control = Control(hub.Sandbox.Url);

        using var refused = await hub.Http.PostAsJsonAsync("/api/leads", new { name = "Сделка", pipelineId = 999, statusId = Won, contactPhone = "+7 903 610-00-02" });

        await IncidentTests.AssertProblemAsync(refused, HttpStatusCode.BadRequest, "pipelineId");
        Assert.Empty(await LeadsAsync(control, Account));
        Assert.Equal(0, (await control.GetFromJsonAsync<JsonElement>($"_sandbox/accounts/{Account}/contacts")).GetArrayLength());
        Assert.Equal(0, await hub.Database.ScalarAsync("SELECT (SELECT COUNT(*) FROM leads) + (SELECT COUNT(*) FROM contacts)"));
    }

    [Fact]
    public async Task A_status_of_another_pipeline_is_refused_naming_statusId_and_the_pipeline_it_was_looked_up_in()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);
        using var control = Control(hub.Sandbox.Url);
        await SeedPipelinesAsync(control, Account, 2);

        using var named = await hub.Http.PostAsJsonAsync("/api/leads", new { name = "Сделка", pipelineId = Main, statusId = Second + 10 });
        using var unnamed = await hub.Http.PostAsJsonAsync("/api/leads", new { name = "Сделка", statusId = Second + 10, contactPhone = "+7 903 610-00-03" });

        Assert.Contains($"pipeline {Main} (the pipeline named)", await StatusErrorAsync(named), StringComparison.Ordinal);
        Assert.Contains($"pipeline {Main} (the main pipeline", await StatusErrorAsync(unnamed), StringComparison.Ordinal);
        Assert.Empty(await LeadsAsync(control, Account));
        Assert.Equal(0, (await control.GetFromJsonAsync<JsonElement>($"_sandbox/accounts/{Account}/contacts")).GetArrayLength());
    }

    [Fact]
    public async Task The_accounts_default_pipeline_takes_the_leads_that_name_none_and_is_checked_like_the_other_fields()
    {
        await using var amoCrm = await StandaloneSandbox.StartAsync();
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite, new Dictionary<string, string> { ["AmoHub:AmoCrm:AllowedHosts:0"] = "127.0.0.1" });
        using var control = Control(amoCrm.Url);
        await SeedPipelinesAsync(control, "acme", 2);
        var account = new { subdomain = "acme", baseUrl = new Uri(amoCrm.Url, "acme/").AbsoluteUri, accessToken = amoCrm.AccessToken, defaultPipelineId = 0L };

        using var zero = await hub.Http.PostAsJsonAsync("/api/accounts", account);
        using var added = await hub.Http.PostAsJsonAsync("/api/accounts", account with { defaultPipelineId = Second });
        using var won = await hub.Http.PostAsJsonAsync("/api/leads?account=acme", new { name = "Повторная продажа", statusId = Won });
        using var opened = await hub.Http.PostAsJsonAsync("/api/leads?account=acme", new { name = "Новая продажа" });
        using var named = await hub.Http.PostAsJsonAsync("/api/leads?account=acme", new { name = "Основная продажа", pipelineId = Main, statusId = Won });
        using var moved = await hub.Http.PatchAsJsonAsync("/api/accounts/acme", new { defaultPipelineId = 999 });
        using var stale = await hub.Http.PostAsJsonAsync("/api/leads?account=acme", new { name = "Ещё одна продажа" });

        await IncidentTests.AssertProblemAsync(zero, HttpStatusCode.BadRequest, "defaultPipelineId");
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(Second, (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("defaultPipelineId").GetInt64());
        Assert.All(new[] { won, opened, named }, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
        var leads = await LeadsAsync(control, "acme");
        Assert.Equal((Second, Won), Placement(leads, "Повторная продажа"));
        Assert.Equal((Second, Second + 10), Placement(leads, "Новая продажа"));
        Assert.Equal((Main, Won), Placement(leads, "Основная продажа"));
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        await IncidentTests.AssertProblemAsync(stale, HttpStatusCode.BadRequest, "pipelineId");
        Assert.Equal(3, (await LeadsAsync(control, "acme")).Count);
    }

    [Fact]
    public async Task A_pipeline_added_in_amoCRM_after_AmoHub_read_the_pipelines_is_found()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);
        using var control = Control(hub.Sandbox.Url);
        using (var first = await hub.Http.PostAsJsonAsync("/api/leads", new { name = "Первая сделка" }))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        await SeedPipelinesAsync(control, Account, 2);
        using var second = await hub.Http.PostAsJsonAsync("/api/leads", new { name = "Вторая сделка", pipelineId = Second, statusId = Won });

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var leads = await LeadsAsync(control, Account);
        Assert.Equal((Main, Main + 10), Placement(leads, "Первая сделка"));
        Assert.Equal((Second, Won), Placement(leads, "Вторая сделка"));
    }

    /// <summary>A client for the sandbox's control surface.</summary>
    internal static HttpClient Control(Uri sandbox) => new() { BaseAddress = sandbox };

    /// <summary>Gives the sandbox account <paramref name="pipelines"/> pipelines, the main one among them.</summary>
    internal static async Task SeedPipelinesAsync(HttpClient control, string account, int pipelines)
    {
        using var seeded = await control.PostAsJsonAsync($"_sandbox/accounts/{account}/seed", new { contacts = 0, pipelines });
        Assert.Equal(HttpStatusCode.OK, seeded.StatusCode);
    }

    /// <summary>The leads amoCRM holds, as its control surface lists them.</summary>
    internal static async Task<List<JsonElement>> LeadsAsync(HttpClient control, string account) =>
        (await control.GetFromJsonAsync<JsonElement>($"_sandbox/accounts/{account}/leads")).EnumerateArray().ToList();

    /// <summary>The pipeline and status of the lead named <paramref name="name"/>.</summary>
    internal static (long Pipeline, long Status) Placement(List<JsonElement> leads, string name)
    {
        var lead = Assert.Single(leads, lead => lead.GetProperty("name").GetString() == name);
        return (lead.GetProperty("pipeline_id").GetInt64(), lead.GetProperty("status_id").GetInt64());
    }

    /// <summary>What a 400 problem says about <c>statusId</c>.</summary>
    private static async Task<string> StatusErrorAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.GetProperty("errors").GetProperty("statusId")[0].GetString()!;
    }
}
