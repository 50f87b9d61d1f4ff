using AmoHub.Sandbox.CustomFields;
using AmoHub.Sandbox.Tags;

namespace AmoHub.Sandbox.Contacts;

/// <summary>A contact as the sandbox holds it. Times are Unix seconds.</summary>
/// <param name="Id">Its amoCRM id.</param>
/// <param name="Name">The full name.</param>
/// <param name="FirstName">The first name, or empty.</param>
/// <param name="LastName">The last name, or empty.</param>
/// <param name="Phones">The values of the PHONE field, in order.</param>
/// <param name="Emails">The values of the EMAIL field, in order.</param>
/// <param name="CreatedBy">The user who created it.</param>
/// <param name="UpdatedBy">The user who changed it last.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it was changed last.</param>
/// <param name="CustomFields">The values of its other custom fields (all but PHONE and EMAIL), in the order first filled.</param>
/// <param name="Tags">Its tags, in the order given.</param>
public sealed record SandboxContact(
    long Id,
    string Name,
    string FirstName,
    string LastName,
    IReadOnlyList<SandboxFieldValue> Phones,
    IReadOnlyList<SandboxFieldValue> Emails,
    long CreatedBy,
    long UpdatedBy,
    long CreatedAt,
    long UpdatedAt,
    IReadOnlyList<SandboxCustomField> CustomFields,
    IReadOnlyList<SandboxTag> Tags);

/// <summary>One value of a multitext field (PHONE, EMAIL).</summary>
/// <param name="Value">The text as entered, such as <c>+7 903 123-45-67</c>.</param>
/// <param name="EnumCode">Its kind, such as <c>WORK</c> or <c>MOB</c>.</param>
public sealed record SandboxFieldValue(string Value, string EnumCode);
