using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace AmoHub.Dashboard.Tests;

/// <summary>The API reference at <c>/docs</c>: Scalar over AmoHub's OpenAPI document, from AmoHub's own files.</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task The_API_reference_lists_every_route_of_the_OpenAPI_document_and_loads_nothing_from_elsewhere()
    {
        var document = await fixture.Hub.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var routes = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(method => (Path: path.Name, Summary: method.Value.GetProperty("summary").GetString()!)))
            .ToList();
        Assert.NotEmpty(routes);

        var page = await fixture.OpenAsync();
        var hub = fixture.Hub.Http.BaseAddress!;
        var elsewhere = new ConcurrentQueue<string>();
        page.Request += (_, request) =>
        {
            if (Uri.TryCreate(request.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Authority != hub.Authority)
            {
                elsewhere.Enqueue(request.Url);
            }
        };
        await page.GotoAsync("/docs/");

        var body = page.Locator("body");
        foreach (var (path, summary) in routes)
        {
            await Assertions.Expect(body).ToContainTextAsync(path);
            await Assertions.Expect(body).ToContainTextAsync(summary);
        }

        await ScreenshotAsync(page, "api-reference");
        Assert.Empty(elsewhere);
        // Scalar tries eval once and goes on without it: the policy refuses it, and the page renders all the same.
        var violations = await page.EvaluateAsync<string[]>("window.__cspViolations");
        Assert.All(violations, violation => Assert.Equal("script-src eval", violation));
    }
}
