using Microsoft.AspNetCore.Http;

namespace AmoHub.Sandbox.Http;

/// <summary>A 200 answer in amoCRM's success format, <c>application/hal+json</c>.</summary>
internal sealed class HalJson<T>(T value) : IResult, IStatusCodeHttpResult
{
    /// <summary>The content type amoCRM sends with every successful answer.</summary>
    private const string ContentType = "application/hal+json";

    /// <inheritdoc />
    public int? StatusCode => StatusCodes.Status200OK;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        return httpContext.Response.WriteAsJsonAsync(value, SandboxJson.Options, ContentType, httpContext.RequestAborted);
    }
}

/// <summary>Makes <see cref="HalJson{T}"/> answers without spelling out the type.</summary>
internal static class HalJson
{
    /// <summary>Answers 200 with <paramref name="value"/> as HAL JSON.</summary>
    public static HalJson<T> Ok<T>(T value) => new(value);
}
