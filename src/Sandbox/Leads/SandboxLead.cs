using AmoHub.Sandbox.CustomFields;
using AmoHub.Sandbox.Tags;

namespace AmoHub.Sandbox.Leads;

/// <summary>A lead as the sandbox holds it. Times are Unix seconds.</summary>
/// <param name="Id">Its amoCRM id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Price">Its budget.</param>
/// <param name="PipelineId">Its pipeline (the main one is <c>1000001</c>).</param>
/// <param name="StatusId">Its stage in the pipeline; 142 is won, 143 lost.</param>
/// <param name="ClosedAt">When it was won or lost, while it is.</param>
/// <param name="Contacts">The contacts linked to it.</param>
/// <param name="CreatedBy">The user who created it.</param>
/// <param name="UpdatedBy">The user who changed it last.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it was changed last.</param>
/// <param name="CustomFields">The values of its custom fields, in the order first filled.</param>
/// <param name="Tags">Its tags, in the order given.</param>
public sealed record SandboxLead(
    long Id,
    string Name,
    long Price,
    long PipelineId,
    long StatusId,
    long? ClosedAt,
    IReadOnlyList<SandboxLeadContact> Contacts,
    long CreatedBy,
    long UpdatedBy,
    long CreatedAt,
    long UpdatedAt,
    IReadOnlyList<SandboxCustomField> CustomFields,
    IReadOnlyList<SandboxTag> Tags)
{
    /// <summary>
    /// Its custom field «Номер договора» (70101), which the last open status of every pipeline requires; <c>null</c> when
    /// empty.
    /// </summary>
    public string? ContractNumber => CustomFields.FirstOrDefault(entry => entry.FieldId == ContractField.Id)?.Values[0].Value;
}

/// <summary>A contact linked to a lead.</summary>
/// <param name="Id">The contact's id.</param>
/// <param name="IsMain">Whether it is the lead's main contact.</param>
public sealed record SandboxLeadContact(long Id, bool IsMain);
