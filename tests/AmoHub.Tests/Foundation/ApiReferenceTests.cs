using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Foundation;

/// <summary>
/// The OpenAPI document says what each endpoint does and takes, and the API reference at <c>/docs</c> is served by
/// AmoHub itself, its scripts included, over that document.
/// </summary>
public sealed class ApiReferenceTests
{
    [Fact]
    public async Task Every_endpoint_has_a_summary_described_parameters_its_problems_and_an_example_of_the_body_it_takes()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);
        var document = await hub.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(method => (Name: $"{method.Name.ToUpperInvariant()} {path.Name}", Operation: method.Value)))
            .ToList();
        Assert.NotEmpty(operations);
        var unsummarized = operations.Where(o => !o.Operation.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString())).Select(o => o.Name).ToList();
        Assert.True(unsummarized.Count == 0, $"without a summary: {string.Join(", ", unsummarized)}");
        var undescribed = operations
            .SelectMany(o => o.Operation.TryGetProperty("parameters", out var parameters) ? parameters.EnumerateArray().Select(p => (o.Name, Parameter: p)) : [])
            .Where(p => !p.Parameter.TryGetProperty("description", out var description) || string.IsNullOrWhiteSpace(description.GetString()))
            .Select(p => $"{p.Name} {p.Parameter.GetProperty("name").GetString()}")
            .ToList();
        Assert.True(undescribed.Count == 0, $"parameters without a description: {string.Join(", ", undescribed)}");
        var withoutExample = operations
            .Where(o => o.Operation.TryGetProperty("requestBody", out var body) && !body.GetProperty("content").EnumerateObject().All(media => media.Value.TryGetProperty("example", out _)))
            .Select(o => o.Name)
            .ToList();
        Assert.True(withoutExample.Count == 0, $"a body without an example: {string.Join(", ", withoutExample)}");
        var withoutOk = operations.Where(o => !o.Operation.GetProperty("responses").EnumerateObject().Any(r => r.Name.StartsWith('2'))).Select(o => o.Name).ToList();
        Assert.True(withoutOk.Count == 0, $"without a success response: {string.Join(", ", withoutOk)}");

        var responses = operations.ToDictionary(o => o.Name, o => o.Operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToHashSet());
        Assert.Superset(new HashSet<string> { "400", "401", "403", "404", "409", "429", "502", "503" }, responses["POST /api/contacts"]);
        Assert.Superset(new HashSet<string> { "404" }, responses["GET /api/incidents/{id}"]);
        var contactsPost = operations.Single(o => o.Name == "POST /api/contacts").Operation;
        Assert.Contains(contactsPost.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "Idempotency-Key" && p.GetProperty("in").GetString() == "header");
        Assert.Superset(new HashSet<string> { "404", "409" }, responses["DELETE /api/accounts/{subdomain}"]);
        Assert.Superset(new HashSet<string> { "403", "404", "413" }, responses["POST /webhooks/amocrm/{secret}"]);
    }

    [Fact]
    public async Task The_document_leaves_out_the_sandbox_and_the_Orleans_dashboard()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);
        var document = await hub.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths").EnumerateObject().Select(path => path.Name).ToList();
        Assert.Contains("/api/contacts", paths);
        Assert.DoesNotContain(paths, path => path.StartsWith("/_sandbox", StringComparison.Ordinal) || path.StartsWith("/orleans", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_reference_page_loads_its_scripts_from_AmoHub_and_allows_only_its_own_inline_script()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);

        using var page = await hub.Http.GetAsync("/docs/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.Contains("src=\"scalar.js\"", html, StringComparison.Ordinal);
        var policy = string.Join(' ', page.Headers.GetValues("Content-Security-Policy"));
        var nonce = policy.Split(' ').Single(part => part.StartsWith("'nonce-", StringComparison.Ordinal)).TrimEnd(';', '\'')["'nonce-".Length..];
        Assert.Contains($"nonce=\"{nonce}\"", html, StringComparison.Ordinal);

        using var script = await hub.Http.GetAsync("/docs/scalar.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }
}
