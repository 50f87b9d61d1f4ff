namespace AmoHub.Sandbox.CustomFields;

/// <summary>The values of one custom field of a contact or lead, as its <c>custom_fields_values</c> entry names them.</summary>
/// <param name="FieldId">The field's id.</param>
/// <param name="FieldName">The field's name.</param>
/// <param name="FieldCode">The field's code, such as <c>UTM_SOURCE</c>; <c>null</c> for fields without one.</param>
/// <param name="FieldType">The field's type, such as <c>text</c>, <c>select</c> or <c>tracking_data</c>.</param>
/// <param name="Values">Its values, in order: one, except for multiselect and multitext fields.</param>
public sealed record SandboxCustomField(long FieldId, string FieldName, string? FieldCode, string FieldType, IReadOnlyList<SandboxCustomFieldValue> Values);

/// <summary>One value of a custom field.</summary>
/// <param name="Value">
/// The value as text: as sent for text fields; a number as written for numeric ones; <c>true</c> or <c>false</c> for a
/// checkbox; Unix seconds for a date; the choice's text for select and multiselect.
/// </param>
/// <param name="EnumId">The choice (select, multiselect) or kind (multitext) it takes, by id; <c>null</c> for other fields.</param>
/// <param name="EnumCode">The kind of a multitext value, such as <c>WORK</c>; <c>null</c> for other fields.</param>
public sealed record SandboxCustomFieldValue(string Value, long? EnumId = null, string? EnumCode = null);
