using System.Net;
using System.Text.Json;
using AmoHub.ServiceDefaults.Storage;

namespace AmoHub.Tests.Monitoring;

[Collection(SharedMonitoringHub.Name)]
public sealed class MonitoringParameterTests(MonitoringApiFixture fixture)
{
    [Theory]
    [InlineData("/api/history?hours=0", "hours")]
    [InlineData("/api/history?hours=721", "hours")]
    [InlineData("/api/history?hours=abc", "hours")]
    [InlineData("/api/history?checkType=FOO", "checkType")]
    [InlineData("/api/history?resolution=week", "resolution")]
    [InlineData("/api/history?pageSize=5001", "pageSize")]
    [InlineData("/api/history?page=0", "page")]
    [InlineData("/api/stats?hours=-1", "hours")]
    [InlineData("/api/stats?checkType=x", "checkType")]
    [InlineData("/api/stats?account=no_such!", "account")]
    [InlineData("/api/stats?clientId=bad%20name", "account")]
    [InlineData("/api/export/health-checks?format=xml", "format")]
    [InlineData("/api/export/incidents?hours=1000", "hours")]
    [InlineData("/api/export/stats?checkType=GETS", "checkType")]
    public async Task A_bad_parameter_answers_400_problem_json_naming_it(string url, string field)
    {
        var seeded = await fixture.GetAsync(StorageProvider.Sqlite);

        using var response = await seeded.Hub.Http.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(error => error.Name));
    }

    [Fact]
    public async Task An_unknown_account_answers_404_problem_json()
    {
        var seeded = await fixture.GetAsync(StorageProvider.Sqlite);

        using var response = await seeded.Hub.Http.GetAsync("/api/export/health-checks?account=nobody");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
