using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.ServiceDefaults.Security;
using AmoHub.WebApi.Hosting;

namespace AmoHub.WebApi.Crm;

/// <summary>
/// What <c>POST /api/contacts</c> and <c>POST /api/leads</c> share: the <c>Idempotency-Key</c> and <c>Prefer</c>
/// headers, the <c>callbackUrl</c>, handing the checked request to the account's <see cref="IOperationsGrain"/>, and
/// turning its outcome into the answer (200, 201, 202 with <c>Location</c>, 409, or the request's failure).
/// </summary>
public static class Submissions
{
    /// <summary>The request header that makes a create request safe to repeat.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The longest key taken.</summary>
    public const int MaxKeyLength = 255;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Reads the headers and <paramref name="callbackUrl"/> into <paramref name="errors"/>-checked values: a key is 1 to
    /// 255 printable ASCII characters; a callback an absolute http(s) URL, not to an address <paramref name="targets"/>
    /// refuses.
    /// </summary>
    public static (string? Key, bool RespondAsync, Uri? Callback) ReadOptions(
        HttpRequest request, string? callbackUrl, CallbackTargets targets, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(errors);
        string? key = null;
        if (request.Headers.TryGetValue(IdempotencyKeyHeader, out var values))
        {
            key = values.Count == 1 ? values[0] : null;
            if (key is null || key.Length is 0 or > MaxKeyLength || key.Any(c => c is < '!' or > '~'))
            {
                errors[IdempotencyKeyHeader] = [$"must be one value of 1 to {MaxKeyLength} printable ASCII characters (a UUID is a good key)."];
                key = null;
            }
        }

        Uri? callback = null;
        if (callbackUrl is not null)
        {
            if (Uri.TryCreate(callbackUrl, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttps || parsed.Scheme == Uri.UriSchemeHttp)
                && callbackUrl.Length <= 2048 && string.IsNullOrEmpty(parsed.UserInfo))
            {
                if (targets.Refuse(parsed) is { } refusal)
                {
                    errors["callbackUrl"] = [refusal];
                }
                else
                {
                    callback = parsed;
                }
            }
            else
            {
                errors["callbackUrl"] = ["must be an absolute http(s) URL of at most 2048 characters, without a user name or password."];
            }
        }

        return (key, RespondsAsync(request), callback);
    }

    /// <summary>
    /// Hands a checked request to the account's operations and answers as they say. When the silo the operations live
    /// on is lost under the call (killed, or gone before the cluster has noticed), the request is handed again, to the
    /// silo that takes them over, for up to <see cref="SiloLoss.Patience"/>: handing it twice is safe, a key answers its
    /// first answer and without one the dedup locks make nothing twice.
    /// </summary>
    public static async Task<IResult> SubmitAsync(
        IClusterClient client, TimeProvider time, RequestAccount account, OperationKind kind, ContactSubmission? contact, LeadSubmission? lead,
        (string? Key, bool RespondAsync, Uri? Callback) options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(account);
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            JsonSerializer.Serialize(new { kind, contact, lead, options.Callback }, Json))));
        var submission = new Submission(kind, contact, lead, options.Key, fingerprint, options.RespondAsync, options.Callback);
        var operations = client.GetGrain<IOperationsGrain>(GrainKeys.Operations(account.Subdomain));
        return Answer(await SiloLoss.RetryAsync(() => operations.SubmitAsync(submission), time), account.Subdomain);
    }

    /// <summary>Where an operation is read: <c>/api/operations/{id}?account=…</c>.</summary>
    public static string Location(string id, string account) => $"/api/operations/{id}?account={account}";

    private static IResult Answer(SubmitOutcome outcome, string account)
    {
        var operation = outcome.Operation;
        if (outcome.Verdict == SubmitVerdict.KeyReused)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Idempotency-Key used for another request",
                detail: "This Idempotency-Key was sent with a different request within the last 24 hours; use a new key for a new request.",
                extensions: new Dictionary<string, object?> { ["field"] = IdempotencyKeyHeader });
        }

        if (operation.Answered == OperationAnswer.Accepted)
        {
            return TypedResults.Accepted(Location(operation.Id!, account), OperationResponse.Accepted(operation));
        }

        if (operation.Status == OperationStatus.Failed)
        {
            return operation.FailureStatus == StatusCodes.Status400BadRequest
                ? Problems.Invalid(operation.FailureField ?? "body", operation.Reason ?? "")
                : TypedResults.Problem(
                    statusCode: operation.FailureStatus ?? StatusCodes.Status502BadGateway,
                    title: operation.FailureStatus == StatusCodes.Status500InternalServerError ? "AmoHub could not run the request" : "amoCRM refused the request",
                    detail: operation.Reason);
        }

        return operation switch
        {
            { Contact: { } c } when operation.Created => TypedResults.Created($"/api/contacts/{c.AmoCrmId}?account={account}", ContactResponse.From(c, created: true)),
            { Contact: { } c } => TypedResults.Ok(ContactResponse.From(c, created: false)),
            { Lead: { } l } when operation.Created => TypedResults.Created($"/api/leads/{l.AmoCrmId}?account={account}", LeadResponse.From(l, created: true)),
            { Lead: { } l } => TypedResults.Ok(LeadResponse.From(l, created: false)),
            _ => throw new InvalidOperationException("A done operation without its result."),
        };
    }

    /// <summary>Whether the request says <c>Prefer: respond-async</c> (RFC 7240).</summary>
    private static bool RespondsAsync(HttpRequest request) =>
        request.Headers.TryGetValue("Prefer", out var prefer)
        && prefer.Any(value => value is not null && value.Split(',').Any(token =>
            string.Equals(token.Split(';')[0].Trim(), "respond-async", StringComparison.OrdinalIgnoreCase)));
}
