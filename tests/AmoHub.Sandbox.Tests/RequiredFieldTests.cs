using System.Net;
using AmoHub.Sandbox.Seeding;
using AmoHub.Sandbox.Tests.Infrastructure;

namespace AmoHub.Sandbox.Tests;

/// <summary>amoCRM's required fields for a stage: a lead enters such a status through the API only with the field filled.</summary>
public sealed class RequiredFieldTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task The_lead_field_list_names_a_required_status_in_every_pipeline()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        fixture.Sandbox.Seed(account, new SandboxSeed(Contacts: 1, Pipelines: 3));

        using var fields = await client.GetAsync("api/v4/leads/custom_fields");
        using var pipelines = await client.GetAsync("api/v4/leads/pipelines");

        Assert.Equal(HttpStatusCode.OK, fields.StatusCode);
        var field = Assert.Single(
            (await fields.ReadJsonAsync()).GetProperty("_embedded").GetProperty("custom_fields").EnumerateArray(),
            candidate => candidate.GetProperty("required_statuses").GetArrayLength() > 0);
        Assert.Equal("leads", field.GetProperty("entity_type").GetString());
        var required = field.GetProperty("required_statuses").EnumerateArray()
            .Select(status => (Pipeline: status.GetProperty("pipeline_id").GetInt64(), Status: status.GetProperty("status_id").GetInt64()))
            .ToList();
        var statuses = (await pipelines.ReadJsonAsync()).GetProperty("_embedded").GetProperty("pipelines").EnumerateArray()
            .ToDictionary(
                pipeline => pipeline.GetProperty("id").GetInt64(),
                pipeline => pipeline.GetProperty("_embedded").GetProperty("statuses").EnumerateArray().Select(status => status.GetProperty("id").GetInt64()).ToList());
        Assert.Equal(statuses.Keys.Order(), required.Select(status => status.Pipeline).Order());
        Assert.All(required, status => Assert.Contains(status.Status, statuses[status.Pipeline]));
        Assert.All(required, status => Assert.DoesNotContain(status.Status, new long[] { 142, 143 }));
    }

    [Theory]
    [InlineData("api/v4/leads")]
    [InlineData("api/v4/leads/complex")]
    public async Task Creating_a_lead_into_a_status_that_requires_a_field_without_it_answers_400_naming_the_field_and_creates_nothing(string path)
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var (fieldId, pipelineId, statusId) = await RequiredStatusAsync(client);

        using var refused = await client.PostJsonAsync(path, $$"""[{"name":"Без договора","pipeline_id":{{pipelineId}},"status_id":{{statusId}}}]""");
        var leadsAfterRefusal = fixture.Sandbox.GetLeads(account).Count;
        using var created = await client.PostJsonAsync(path, $$"""
            [{"name":"С договором","pipeline_id":{{pipelineId}},"status_id":{{statusId}},"custom_fields_values":[{"field_id":{{fieldId}},"values":[{"value":"Д-42"}]}]}]
            """);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.ReadJsonAsync();
        Assert.Equal("Request validation failed", problem.GetProperty("detail").GetString());
        var error = Assert.Single(problem.GetProperty("validation-errors")[0].GetProperty("errors").EnumerateArray());
        Assert.Equal("NotBlank", error.GetProperty("code").GetString());
        Assert.Equal("custom_fields_values", error.GetProperty("path").GetString());
        Assert.Contains(fieldId.Text(), error.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, leadsAfterRefusal);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var lead = Assert.Single(fixture.Sandbox.GetLeads(account));
        Assert.Equal((pipelineId, statusId, "Д-42"), (lead.PipelineId, lead.StatusId, lead.ContractNumber));
    }

    [Fact]
    public async Task Moving_a_lead_into_a_status_that_requires_a_field_needs_the_field_once_and_the_lead_keeps_it()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var (fieldId, pipelineId, statusId) = await RequiredStatusAsync(client);
        var lead = fixture.Sandbox.CreateLeadAsUser(account, "Сделка");

        using var refused = await client.PatchJsonAsync($"api/v4/leads/{lead.Id}", $$"""{"status_id":{{statusId}}}""");
        var afterRefusal = fixture.Sandbox.GetLead(account, lead.Id)!;
        using var moved = await client.PatchJsonAsync(
            $"api/v4/leads/{lead.Id}", $$"""{"status_id":{{statusId}},"custom_fields_values":[{"field_id":{{fieldId}},"values":[{"value":"Д-7"}]}]}""");
        using var back = await client.PatchJsonAsync($"api/v4/leads/{lead.Id}", $$"""{"status_id":{{lead.StatusId}}}""");
        using var again = await client.PatchJsonAsync($"api/v4/leads/{lead.Id}", $$"""{"status_id":{{statusId}}}""");
        using var read = await client.GetAsync($"api/v4/leads/{lead.Id}");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(lead.StatusId, afterRefusal.StatusId);
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var body = await read.ReadJsonAsync();
        Assert.Equal(statusId, body.GetProperty("status_id").GetInt64());
        Assert.Equal(pipelineId, body.GetProperty("pipeline_id").GetInt64());
        var value = Assert.Single(body.GetProperty("custom_fields_values").EnumerateArray());
        Assert.Equal(fieldId, value.GetProperty("field_id").GetInt64());
        Assert.Equal("Д-7", value.GetProperty("values")[0].GetProperty("value").GetString());
    }

    [Fact]
    public async Task A_person_in_the_web_ui_moves_a_lead_into_a_status_that_requires_a_field_without_the_sandbox_asking_for_it()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var (_, _, statusId) = await RequiredStatusAsync(client);
        var lead = fixture.Sandbox.CreateLeadAsUser(account, "Сделка");

        var moved = fixture.Sandbox.EditLeadAsUser(account, lead.Id, statusId: statusId);

        Assert.Equal(statusId, moved?.StatusId);
    }

    /// <summary>The lead field that a status requires and the first such status, as the API describes them.</summary>
    private static async Task<(long FieldId, long PipelineId, long StatusId)> RequiredStatusAsync(HttpClient client)
    {
        using var response = await client.GetAsync("api/v4/leads/custom_fields");
        var field = (await response.ReadJsonAsync()).GetProperty("_embedded").GetProperty("custom_fields").EnumerateArray()
            .First(candidate => candidate.GetProperty("required_statuses").GetArrayLength() > 0);
        var status = field.GetProperty("required_statuses")[0];
        return (field.GetProperty("id").GetInt64(), status.GetProperty("pipeline_id").GetInt64(), status.GetProperty("status_id").GetInt64());
    }
}
