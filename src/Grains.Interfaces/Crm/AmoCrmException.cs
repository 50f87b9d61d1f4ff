using System.Net;
using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.Grains.Interfaces.Crm;

/// <summary>What went wrong when talking to amoCRM, in words an operator can act on.</summary>
public enum AmoCrmFailure
{
    /// <summary>The token expired or was revoked (401).</summary>
    Unauthorized,

    /// <summary>Too many requests (429); AmoHub paces itself, so this means someone else spends the account's budget too.</summary>
    RateLimited,

    /// <summary>amoCRM blocked the integration (403 with an HTML page), usually after repeated 429s.</summary>
    Blocked,

    /// <summary>No rights for the call (403 problem).</summary>
    Forbidden,

    /// <summary>amoCRM rejected the data (400 with validation errors).</summary>
    Invalid,

    /// <summary>amoCRM failed (5xx) or did not answer in time.</summary>
    Unavailable,

    /// <summary>Any other unexpected answer.</summary>
    Unexpected,

    /// <summary>The amoCRM account's plan or payment does not allow the API (402).</summary>
    PaymentRequired,
}

/// <summary>How an amoCRM failure reads in a check's result.</summary>
public static class AmoCrmFailures
{
    /// <summary>The check error code (<see cref="CheckErrorCodes"/>) for an amoCRM failure.</summary>
    public static string ErrorCode(this AmoCrmFailure failure) => failure switch
    {
        AmoCrmFailure.Unauthorized => CheckErrorCodes.Unauthorized,
        AmoCrmFailure.RateLimited => CheckErrorCodes.RateLimited,
        AmoCrmFailure.Blocked => CheckErrorCodes.Blocked,
        AmoCrmFailure.Forbidden => CheckErrorCodes.Forbidden,
        AmoCrmFailure.Unavailable => CheckErrorCodes.ServerError,
        AmoCrmFailure.PaymentRequired => CheckErrorCodes.PaymentRequired,
        _ => CheckErrorCodes.ClientError,
    };
}

/// <summary>
/// An amoCRM call that did not succeed. The message says what kind of answer came (and the fields a 400 named), never
/// the answer's text nor a token.
/// It crosses grain boundaries, so it keeps to simple fields.
/// </summary>
[GenerateSerializer, Alias("amohub.AmoCrmException")]
public sealed class AmoCrmException : Exception
{
    public AmoCrmException()
    {
    }

    public AmoCrmException(string message)
        : base(message)
    {
    }

    public AmoCrmException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AmoCrmException(AmoCrmFailure failure, HttpStatusCode? status, string message)
        : base(message)
    {
        Failure = failure;
        Status = status;
    }

    /// <summary>The kind of failure.</summary>
    [Id(0)]
    public AmoCrmFailure Failure { get; init; } = AmoCrmFailure.Unexpected;

    /// <summary>amoCRM's HTTP status, when it answered.</summary>
    [Id(1)]
    public HttpStatusCode? Status { get; init; }

    /// <summary>Whether trying again later may succeed without changing the request.</summary>
    public bool IsTransient => Failure is AmoCrmFailure.RateLimited or AmoCrmFailure.Unavailable;
}
