using System.Net;
using System.Text.Json;
using AmoHub.Sandbox.Tests.Infrastructure;

namespace AmoHub.Sandbox.Tests;

/// <summary>The custom fields of contacts and leads: their definitions, and the values writes give them.</summary>
public sealed class CustomFieldTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Contact_fields_are_listed_in_pages_that_link_to_the_next_while_more_follow()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);

        var pages = await ReadPagesAsync(client, "api/v4/contacts/custom_fields?limit=3");

        Assert.True(pages.Count > 1);
        Assert.All(pages, page => Assert.Equal(pages[0].GetProperty("_total_items").GetInt32(), page.GetProperty("_total_items").GetInt32()));
        Assert.Equal(pages.Count, pages[0].GetProperty("_page_count").GetInt32());
        Assert.Equal(Enumerable.Range(1, pages.Count), pages.Select(page => page.GetProperty("_page").GetInt32()));
        var fields = pages.SelectMany(Fields).ToList();
        Assert.Equal(pages[0].GetProperty("_total_items").GetInt32(), fields.Count);
        Assert.Equal(fields.Count, fields.Select(field => field.GetProperty("id").GetInt64()).Distinct().Count());
        Assert.All(fields, field =>
        {
            Assert.Equal("contacts", field.GetProperty("entity_type").GetString());
            Assert.Equal(fixture.Sandbox.GetAccount(account).Id, field.GetProperty("account_id").GetInt64());
            Assert.False(field.GetProperty("is_api_only").GetBoolean());
            Assert.EndsWith(
                $"/api/v4/contacts/custom_fields/{field.GetProperty("id").GetInt64()}",
                field.GetProperty("_links").GetProperty("self").GetProperty("href").GetString(),
                StringComparison.Ordinal);
        });
        var phone = fields.Single(field => field.GetProperty("code").GetString() == "PHONE");
        Assert.Equal("multitext", phone.GetProperty("type").GetString());
        Assert.Equal(["WORK", "WORKDD", "MOB", "FAX", "HOME", "OTHER"], EnumValues(phone));
        var email = fields.Single(field => field.GetProperty("code").GetString() == "EMAIL");
        Assert.Equal(["WORK", "PRIV", "OTHER"], EnumValues(email));
        Assert.Equal("text", fields.Single(field => field.GetProperty("code").GetString() == "POSITION").GetProperty("type").GetString());
        var city = fields.Single(field => field.GetProperty("code").GetString() == "CITY");
        Assert.Equal(("Город", "text", JsonValueKind.Null), (city.GetProperty("name").GetString(), city.GetProperty("type").GetString(), city.GetProperty("enums").ValueKind));
        Assert.Contains(fields, field => field.GetProperty("type").GetString() == "select" && EnumValues(field).Count > 1);
        Assert.Contains(fields, field => field.GetProperty("type").GetString() == "date");
    }

    [Fact]
    public async Task Lead_fields_include_the_contract_field_the_five_utm_tracking_fields_and_one_account_field_of_each_type()
    {
        using var client = fixture.Client(SandboxFixture.NewAccount());

        var pages = await ReadPagesAsync(client, "api/v4/leads/custom_fields?limit=250");
        using var pipelines = await client.GetAsync("api/v4/leads/pipelines");

        var fields = Assert.Single(pages).GetProperty("_embedded").GetProperty("custom_fields").EnumerateArray().ToList();
        var tracking = fields.Where(field => field.GetProperty("type").GetString() == "tracking_data").ToList();
        Assert.Equal(
            ["UTM_SOURCE", "UTM_MEDIUM", "UTM_CAMPAIGN", "UTM_CONTENT", "UTM_TERM"],
            tracking.Select(field => field.GetProperty("code").GetString()));
        Assert.Equal(["utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term"], tracking.Select(field => field.GetProperty("name").GetString()));
        Assert.Single(fields, field => field.GetProperty("required_statuses").GetArrayLength() > 0);
        Assert.Subset(
            fields.Select(field => field.GetProperty("type").GetString()).ToHashSet(),
            new HashSet<string?> { "text", "numeric", "select", "multiselect", "checkbox", "textarea", "tracking_data" });
        Assert.All(
            fields.Where(field => field.GetProperty("type").GetString() is "select" or "multiselect"),
            field => Assert.All(field.GetProperty("enums").EnumerateArray(), choice =>
            {
                Assert.True(choice.GetProperty("id").GetInt64() > 0);
                Assert.True(choice.GetProperty("sort").GetInt32() > 0);
            }));
        var pipelineIds = (await pipelines.ReadJsonAsync()).GetProperty("_embedded").GetProperty("pipelines").EnumerateArray()
            .SelectMany(pipeline => pipeline.GetProperty("_embedded").GetProperty("statuses").EnumerateArray().Select(status => status.GetProperty("id").GetInt64())
                .Append(pipeline.GetProperty("id").GetInt64()))
            .ToHashSet();
        Assert.DoesNotContain(fields, field => pipelineIds.Contains(field.GetProperty("id").GetInt64()));
    }

    [Fact]
    public async Task A_field_page_past_the_last_answers_204()
    {
        using var client = fixture.Client(SandboxFixture.NewAccount());

        using var response = await client.GetAsync("api/v4/leads/custom_fields?page=2&limit=250");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>Every page of a list from <paramref name="path"/> on, following <c>_links.next</c>.</summary>
    private static async Task<List<JsonElement>> ReadPagesAsync(HttpClient client, string path)
    {
        var pages = new List<JsonElement>();
        for (Uri? next = new(path, UriKind.Relative); next is not null;)
        {
            using var response = await client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.ReadJsonAsync();
            pages.Add(page);
            next = page.GetProperty("_links").TryGetProperty("next", out var link) ? new Uri(link.GetProperty("href").GetString()!) : null;
        }

        return pages;
    }

    private static IEnumerable<JsonElement> Fields(JsonElement page) => page.GetProperty("_embedded").GetProperty("custom_fields").EnumerateArray();

    private static List<string?> EnumValues(JsonElement field) =>
        field.GetProperty("enums").EnumerateArray().Select(choice => choice.GetProperty("value").GetString()).ToList();
}
