using System.Net;
using System.Text.Json;
using AmoHub.Grains.Interfaces.Crm;
using Refit;

namespace AmoHub.Grains.AmoCrm;

/// <summary>Turns amoCRM's raw answers into content or an <see cref="AmoCrmException"/>.</summary>
public static class AmoCrmResponses
{
    /// <summary>
    /// The content of a successful answer; null for 204 (amoCRM's "nothing found"). Throws an
    /// <see cref="AmoCrmException"/> that says what amoCRM said otherwise.
    /// </summary>
    public static T? ContentOrThrow<T>(IApiResponse<T> response)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.IsSuccessStatusCode)
        {
            return response.StatusCode == HttpStatusCode.NoContent ? null : response.Content;
        }

        throw ToException(response);
    }

    /// <summary>Maps an unsuccessful answer (its status and body) to an exception.</summary>
    public static AmoCrmException ToException(IApiResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var error = response.Error as ApiException;
        return ToException(response.StatusCode.GetValueOrDefault(), error?.Content, error?.ContentHeaders?.ContentType?.MediaType ?? response.ContentHeaders?.ContentType?.MediaType);
    }

    /// <summary>
    /// Maps an unsuccessful status and body to an exception. The message never carries the answer's text (titles,
    /// details, validation errors, HTML): it reaches API callers and the dashboard, and whatever answered could put
    /// anything there, a reflected credential among it. The body only tells HTML (amoCRM's edge) from the rest.
    /// </summary>
    public static AmoCrmException ToException(HttpStatusCode status, string? body, string? mediaType)
    {
        var isHtml = mediaType?.Contains("html", StringComparison.OrdinalIgnoreCase) == true
            || body?.TrimStart().StartsWith('<') == true;
        var code = (int)status;
        return status switch
        {
            HttpStatusCode.Unauthorized => new(AmoCrmFailure.Unauthorized, status, "amoCRM refused the token (401)."),
            HttpStatusCode.TooManyRequests => new(AmoCrmFailure.RateLimited, status, "amoCRM answered 429 Too Many Requests."),
            HttpStatusCode.Forbidden when isHtml => new(AmoCrmFailure.Blocked, status, "amoCRM blocked the integration (403); support must lift the block."),
            HttpStatusCode.Forbidden => new(AmoCrmFailure.Forbidden, status, "amoCRM refused the call (403)."),
            HttpStatusCode.BadRequest => new(AmoCrmFailure.Invalid, status, "amoCRM rejected the data (400)."),
            HttpStatusCode.PaymentRequired => new(AmoCrmFailure.PaymentRequired, status,
                "amoCRM account plan or payment (402): the account must be paid for, or its plan allow the API, before AmoHub can use it."),
            _ when code >= 500 => new(AmoCrmFailure.Unavailable, status, $"amoCRM failed ({code})."),
            _ => new(AmoCrmFailure.Unexpected, status, $"amoCRM answered {code}."),
        };
    }

    /// <summary>A call that got no answer in time, or whose connection failed.</summary>
    public static AmoCrmException Unreachable(Exception exception) =>
        new(AmoCrmFailure.Unavailable, null, $"amoCRM did not answer: {exception.GetType().Name}.");
}

/// <summary>amoCRM's JSON conventions: snake_case names, nulls left out.</summary>
public static class AmoCrmJson
{
    /// <summary>Serializer options for every amoCRM body.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
