using System.Text.Json;
using AmoHub.Sandbox.Http;
using AmoHub.Sandbox.Seeding;
using Microsoft.AspNetCore.Http;

namespace AmoHub.Sandbox.Control;

/// <summary>
/// The body of <c>POST /_sandbox/accounts/{sub}/seed</c>: <c>{"contacts": N, "leads": M, "duplicatePhones": D,
/// "deleted": K, "pipelines": P, "seed": S}</c>, only <c>contacts</c> required. Read field by field, so every bad
/// field, an unknown one included, is named in the answer.
/// </summary>
internal static class SeedRequest
{
    private static readonly string[] Fields = ["contacts", "leads", "duplicatePhones", "deleted", "pipelines", "seed"];

    /// <summary>The seed the body asks for, or the problems of its fields (empty when there are none).</summary>
    public static async Task<(SandboxSeed? Seed, Dictionary<string, string[]> Problems)> ReadAsync(HttpRequest request)
    {
        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, SandboxJson.Options, request.HttpContext.RequestAborted);
        }
        catch (JsonException)
        {
            return (null, new() { ["body"] = ["The body is not valid JSON."] });
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, new() { ["body"] = ["The body must be a JSON object such as {\"contacts\": 1000}."] });
        }

        var values = new Dictionary<string, int>(StringComparer.Ordinal);
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var field in body.EnumerateObject())
        {
            if (!Fields.Contains(field.Name, StringComparer.Ordinal))
            {
                problems[field.Name] = [$"is not a field of a seed request; the fields are {string.Join(", ", Fields)}."];
            }
            else if (field.Value.ValueKind == JsonValueKind.Number && field.Value.TryGetInt32(out var value))
            {
                values[field.Name] = value;
            }
            else
            {
                problems[field.Name] = ["must be a whole number."];
            }
        }

        if (!values.ContainsKey("contacts"))
        {
            problems.TryAdd("contacts", ["is required."]);
        }

        // Fields that were read are checked even when others were not, so one answer names every bad field. A missing
        // or unreadable contacts is checked as -1: already named, and no rule relating the others to it runs.
        var seed = new SandboxSeed(
            values.GetValueOrDefault("contacts", -1),
            values.GetValueOrDefault("leads", 0),
            values.GetValueOrDefault("duplicatePhones", 0),
            values.GetValueOrDefault("deleted", 0),
            values.GetValueOrDefault("pipelines", 1),
            values.GetValueOrDefault("seed", 1));
        foreach (var (field, problem) in seed.Problems())
        {
            problems.TryAdd(field, [problem]);
        }

        return problems.Count > 0 ? (null, problems) : (seed, problems);
    }
}
