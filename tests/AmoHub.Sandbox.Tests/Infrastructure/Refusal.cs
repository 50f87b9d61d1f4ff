using System.Net;

namespace AmoHub.Sandbox.Tests.Infrastructure;

/// <summary>Checks amoCRM's answer to a write it refuses.</summary>
public static class Refusal
{
    /// <summary>
    /// Checks a 400 problem whose validation errors name one entity, by <paramref name="requestId"/>, with one error:
    /// <paramref name="code"/> at <paramref name="path"/>.
    /// </summary>
    public static async Task AssertAsync(HttpResponseMessage response, string requestId, string path, string code)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var failure = Assert.Single((await response.ReadJsonAsync()).GetProperty("validation-errors").EnumerateArray());
        Assert.Equal(requestId, failure.GetProperty("request_id").GetString());
        var error = Assert.Single(failure.GetProperty("errors").EnumerateArray());
        Assert.Equal((path, code), (error.GetProperty("path").GetString(), error.GetProperty("code").GetString()));
    }
}
