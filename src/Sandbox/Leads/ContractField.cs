using AmoHub.Sandbox.Contacts;
using AmoHub.Sandbox.Http;

namespace AmoHub.Sandbox.Leads;

/// <summary>
/// The custom field the sandbox's leads have: a text field «Номер договора» (contract number). The last open status of
/// every pipeline («Принимают решение») requires it, as amoCRM's required fields for a stage do: a lead enters that
/// status through the API only with a value (<see cref="PipelineStatus.RequiredFieldIds"/>). Seeded leads may sit
/// there without one, as leads from before such a rule do in real accounts.
/// </summary>
internal static class ContractField
{
    public const long Id = 70_101;
    public const string Name = "Номер договора";

    /// <summary>
    /// Reads <c>custom_fields_values</c> of a lead: the contract number, or <c>null</c> when it was not sent. Any other
    /// field, or an empty value, is a validation error.
    /// </summary>
    public static string? Read(List<CustomFieldInput>? fields, List<ValidationError> errors)
    {
        string? number = null;
        for (var i = 0; i < (fields?.Count ?? 0); i++)
        {
            var input = fields![i];
            var path = $"custom_fields_values.{i}";
            if (input.FieldId != Id)
            {
                var member = input.FieldId is null ? "field_code" : "field_id";
                errors.Add(new ValidationError("NotSupportedChoice", $"{path}.{member}", "The value you selected is not a valid choice."));
            }
            else if (input.Values is not [{ Value: { } value }, ..] || string.IsNullOrWhiteSpace(value))
            {
                errors.Add(new ValidationError("NotBlank", $"{path}.values.0.value", "This value should not be blank."));
            }
            else
            {
                number = value.Trim();
            }
        }

        return number;
    }

    /// <summary>The error of a lead entering a status that requires the field without a value for it.</summary>
    public static ValidationError Missing(Pipeline pipeline, long statusId) => new(
        "NotBlank", "custom_fields_values", $"The field {Id} «{Name}» is required in status {statusId} of pipeline {pipeline.Id}.");

    /// <summary>The lead's <c>custom_fields_values</c> in an answer, or <c>null</c> when the field is empty, as amoCRM sends it.</summary>
    public static IReadOnlyList<CustomFieldJson>? Values(SandboxLead lead) =>
        lead.ContractNumber is { } number ? [new CustomFieldJson(Id, Name, null, "text", [new CustomFieldValueJson(number, null, null)])] : null;
}
