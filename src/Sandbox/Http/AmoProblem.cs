using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace AmoHub.Sandbox.Http;

/// <summary>One rule an entity of a request broke, as amoCRM names it.</summary>
/// <param name="Code">amoCRM's error code, such as <c>NotSupportedChoice</c>.</param>
/// <param name="Path">Where in the entity, such as <c>custom_fields_values.0.field_code</c>.</param>
/// <param name="Detail">What is wrong, in words.</param>
internal sealed record ValidationError(string Code, string Path, string Detail);

/// <summary>The broken rules of one entity of a request, keyed by its <c>request_id</c>.</summary>
internal sealed record RequestErrors(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RequestId,
    IReadOnlyList<ValidationError> Errors);

/// <summary>An error answer in amoCRM's format, <c>application/problem+json</c>.</summary>
internal sealed class AmoProblem : IResult, IStatusCodeHttpResult
{
    private readonly ProblemBody _body;

    private AmoProblem(ProblemBody body) => _body = body;

    /// <inheritdoc />
    public int? StatusCode => _body.Status;

    /// <summary>A problem with the standard title and type for <paramref name="status"/>.</summary>
    public static AmoProblem Status(int status, string detail) =>
        new(new ProblemBody(ReasonPhrases.GetReasonPhrase(status), $"https://httpstatus.es/{status}", status, detail, null, null));

    /// <summary>A 400 listing the broken rules of each entity.</summary>
    public static AmoProblem Validation(IReadOnlyList<RequestErrors> errors) =>
        new(new ProblemBody("Bad Request", "https://httpstatus.es/400", StatusCodes.Status400BadRequest, "Request validation failed", null, errors));

    /// <summary>An OAuth error: amoCRM adds a <c>hint</c> and uses its own problem type.</summary>
    public static AmoProblem OAuth(int status, string hint, string detail) =>
        new(new ProblemBody(ReasonPhrases.GetReasonPhrase(status), "https://developers.amocrm.ru/v3/errors/OAuthProblemJson", status, detail, hint, null));

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = _body.Status;
        return httpContext.Response.WriteAsJsonAsync(_body, SandboxJson.Options, "application/problem+json", httpContext.RequestAborted);
    }

    private sealed record ProblemBody(
        string Title,
        string Type,
        int Status,
        string Detail,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Hint,
        [property: JsonPropertyName("validation-errors"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        IReadOnlyList<RequestErrors>? ValidationErrors);
}
