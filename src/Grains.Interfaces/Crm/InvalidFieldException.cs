namespace AmoHub.Grains.Interfaces.Crm;

/// <summary>
/// A field of a request that a grain refused because of what it knows and the caller could not check (an amoCRM
/// pipeline or status the account does not have). The API answers it with a 400 validation problem naming
/// <see cref="Field"/>, as it answers its own field checks. It crosses grain boundaries, so it keeps to simple fields.
/// </summary>
[GenerateSerializer, Alias("amohub.InvalidFieldException")]
public sealed class InvalidFieldException : Exception
{
    public InvalidFieldException()
    {
    }

    public InvalidFieldException(string message)
        : base(message)
    {
    }

    public InvalidFieldException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InvalidFieldException(string field, string message)
        : base(message)
    {
        Field = field;
    }

    /// <summary>The request field, as the API names it (<c>pipelineId</c>, <c>statusId</c>).</summary>
    [Id(0)]
    public string Field { get; init; } = "body";
}
