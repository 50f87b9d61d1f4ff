using Microsoft.AspNetCore.Http.HttpResults;

namespace AmoHub.WebApi.Hosting;

/// <summary>
/// The validation problems AmoHub answers with (400, <c>application/problem+json</c>, an <c>errors</c> object keyed
/// by field), built in one place so every endpoint names its bad fields the same way.
/// </summary>
public static class Problems
{
    /// <summary>A problem naming one field.</summary>
    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>A problem naming every field of <paramref name="errors"/>, under <paramref name="title"/> when given.</summary>
    public static ValidationProblem Invalid(IEnumerable<KeyValuePair<string, string[]>> errors, string? title = null) =>
        TypedResults.ValidationProblem(errors, title: title);
}
