using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace AmoHub.Sandbox.Http;

/// <summary>Reads JSON request bodies, answering malformed ones the way amoCRM does: a 400 problem.</summary>
internal static class RequestBody
{
    /// <summary>Reads a JSON array of 1 to <paramref name="max"/> entities.</summary>
    public static async Task<Checked<List<T>>> ReadArrayAsync<T>(HttpRequest request, int max)
    {
        var body = await ReadAsync(request);
        if (body is not { } json)
        {
            return AmoProblem.Status(StatusCodes.Status400BadRequest, "The request body is not valid JSON.");
        }

        if (json.ValueKind != JsonValueKind.Array)
        {
            return AmoProblem.Status(StatusCodes.Status400BadRequest, "The request body must be a JSON array of entities.");
        }

        var count = json.GetArrayLength();
        if (count == 0 || count > max)
        {
            return AmoProblem.Status(StatusCodes.Status400BadRequest, $"A request carries 1 to {max} entities; this one has {count}.");
        }

        return Convert<List<T>>(json);
    }

    /// <summary>Reads a single JSON object.</summary>
    public static async Task<Checked<T>> ReadObjectAsync<T>(HttpRequest request)
        where T : class
    {
        var body = await ReadAsync(request);
        return body is { ValueKind: JsonValueKind.Object } json
            ? Convert<T>(json)
            : AmoProblem.Status(StatusCodes.Status400BadRequest, "The request body must be a JSON object.");
    }

    private static async Task<JsonElement?> ReadAsync(HttpRequest request)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, SandboxJson.Options, request.HttpContext.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Checked<T> Convert<T>(JsonElement json)
        where T : class
    {
        try
        {
            return json.Deserialize<T>(SandboxJson.Options) is { } value
                ? Checked.Ok(value)
                : AmoProblem.Status(StatusCodes.Status400BadRequest, "The request body is empty.");
        }
        catch (JsonException exception)
        {
            return AmoProblem.Status(StatusCodes.Status400BadRequest, $"A field has the wrong type at {exception.Path}.");
        }
    }
}
