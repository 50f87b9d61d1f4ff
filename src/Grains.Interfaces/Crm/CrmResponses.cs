namespace AmoHub.Grains.Interfaces.Crm;

/// <summary>
/// A contact as the API shows it: <see cref="Phone"/> and <see cref="Email"/> are the first of <see cref="Phones"/>
/// and <see cref="Emails"/> (lower-cased, as AmoHub keeps them), or null.
/// </summary>
public sealed record ContactResponse(
    long AmocrmId,
    string Name,
    string? Phone,
    IReadOnlyList<string> Phones,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool? Created,
    IReadOnlyList<string> Emails,
    string? Email)
{
    /// <summary>From a snapshot; <paramref name="created"/> only for answers to a create.</summary>
    public static ContactResponse From(ContactSnapshot contact, bool? created = null) =>
        new(contact.AmoCrmId, contact.Name, contact.Phones.IsDefaultOrEmpty ? null : contact.Phones[0],
            contact.Phones.IsDefault ? [] : contact.Phones, contact.CreatedAt, contact.UpdatedAt, created,
            contact.Emails, contact.Emails.IsEmpty ? null : contact.Emails[0]);
}

/// <summary>A lead as the API shows it.</summary>
public sealed record LeadResponse(
    long AmocrmId,
    string Name,
    long? StatusId,
    long? PipelineId,
    long? ContactId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool? Created)
{
    /// <summary>From a snapshot; <paramref name="created"/> only for answers to a create.</summary>
    public static LeadResponse From(LeadSnapshot lead, bool? created = null) =>
        new(lead.AmoCrmId, lead.Name, lead.StatusId, lead.PipelineId, lead.MainContactId, lead.CreatedAt, lead.UpdatedAt, created);
}

/// <summary>
/// A create request as the API shows it (<c>/api/operations/{id}</c>, the body of a 202, and what a callback receives):
/// <c>status</c> is <c>pending</c>, <c>done</c> or <c>failed</c>; <c>result</c> the contact or lead once done;
/// <c>reason</c> (and the <c>field</c> it names) once failed.
/// </summary>
public sealed record OperationResponse(
    string? Id,
    string Kind,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt,
    object? Result,
    string? Reason,
    string? Field)
{
    /// <summary>The operation as it stands.</summary>
    public static OperationResponse From(Operation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        object? result = operation switch
        {
            { Status: not OperationStatus.Done } => null,
            { Contact: { } contact } => ContactResponse.From(contact, operation.Created),
            { Lead: { } lead } => LeadResponse.From(lead, operation.Created),
            _ => null,
        };
        return new OperationResponse(
            operation.Id,
            operation.Kind == OperationKind.Contact ? "contact" : "lead",
            operation.Status switch { OperationStatus.Pending => "pending", OperationStatus.Done => "done", _ => "failed" },
            operation.CreatedAt,
            operation.CompletedAt,
            result,
            operation.Reason,
            operation.FailureField);
    }

    /// <summary>The operation as it was when accepted: what a 202 said, and says again when its key is replayed.</summary>
    public static OperationResponse Accepted(Operation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return From(operation with { Status = OperationStatus.Pending, CompletedAt = null, Reason = null, FailureField = null });
    }
}
