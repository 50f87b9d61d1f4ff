using AmoHub.Sandbox.Http;

namespace AmoHub.Sandbox.Leads;

/// <summary>
/// The lead field «Номер договора» (contract number), a text field of <see cref="CustomFields.CustomFieldCatalog"/>. The
/// last open status of every pipeline («Принимают решение») requires it, as amoCRM's required fields for a stage do: a
/// lead enters that status through the API only with a value (<see cref="PipelineStatus.RequiredFieldIds"/>). Seeded
/// leads may sit there without one, as leads from before such a rule do in real accounts.
/// </summary>
internal static class ContractField
{
    public const long Id = 70_101;
    public const string Name = "Номер договора";

    /// <summary>The error of a lead entering a status that requires the field without a value for it.</summary>
    public static ValidationError Missing(Pipeline pipeline, long statusId) => new(
        "NotBlank", "custom_fields_values", $"The field {Id} «{Name}» is required in status {statusId} of pipeline {pipeline.Id}.");
}
