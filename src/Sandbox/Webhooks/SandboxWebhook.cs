



namespace AmoHub.Sandbox.Webhooks;

/// <summary>A webhook subscription of a sandbox account.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Destination">The URL deliveries go to, exactly as subscribed.</param>
/// <param name="Settings">The events it wants, such as <c>add_contact</c> or <c>status_lead</c>.</param>
/// <param name="Disabled">Whether too many failed deliveries have switched it off; subscribing again re-enables it.</param>
/// <param name="CreatedAt">When it was subscribed, in Unix seconds.</param>
/// <param name="UpdatedAt">When it was last subscribed again, in Unix seconds.</param>
public sealed record SandboxWebhook(long Id, string Destination, IReadOnlyList<string> Settings, bool Disabled, long CreatedAt, long UpdatedAt);

/// <summary>One attempt to deliver a webhook.</summary>
/// <param name="At">When the attempt started.</param>
/// <param name="WebhookId">The subscription it was for.</param>
/// <param name="Destination">Where it went.</param>
/// <param name="Attempt">1 for the first try, then 2, 3, … for retries of the same delivery.</param>
/// <param name="StatusCode">The subscriber's answer, if it answered in time.</param>
/// <param name="Error">Why the attempt failed, or <c>null</c> when the subscriber answered 2xx.</param>
/// <param name="Form">The form fields sent, in order, decoded.</param>
/// <param name="Body">The <c>application/x-www-form-urlencoded</c> body exactly as sent.</param>
public sealed record SandboxDelivery(
    DateTimeOffset At,
    long WebhookId,
    string Destination,
    int Attempt,
    int? StatusCode,
    string? Error,
    IReadOnlyList<KeyValuePair<string, string>> Form,
    string Body)
{
    /// <summary>Whether the subscriber answered 2xx in time.</summary>
    public bool Succeeded => Error is null;

    /// <summary>The value of form field <paramref name="key"/>, such as <c>contacts[add][0][id]</c>, if it was sent.</summary>
    public string? Field(string key) => Form.FirstOrDefault(pair => pair.Key == key).Value;
}
