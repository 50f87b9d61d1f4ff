namespace AmoHub.Sandbox.CustomFields;

/// <summary>amoCRM's names of the field types the sandbox models.</summary>
internal static class CustomFieldType
{
    public const string Text = "text";
    public const string Numeric = "numeric";
    public const string Checkbox = "checkbox";
    public const string Select = "select";
    public const string Multiselect = "multiselect";
    public const string Date = "date";
    public const string Url = "url";
    public const string Textarea = "textarea";
    public const string Multitext = "multitext";
    public const string TrackingData = "tracking_data";
}

/// <summary>One choice of a select or multiselect field, or one kind of a multitext value (<c>WORK</c>, <c>MOB</c>, …).</summary>
/// <param name="Id">Its id: a value may name it as <c>enum_id</c>.</param>
/// <param name="Value">The choice's text, or the kind's code (a multitext value's <c>enum_code</c>).</param>
/// <param name="Sort">Its place in the list.</param>
internal sealed record CustomFieldEnum(long Id, string Value, int Sort);

/// <summary>A custom field of contacts or leads, as <c>GET api/v4/{entity}/custom_fields</c> describes it.</summary>
/// <param name="Id">Its id: a value names the field by it as <c>field_id</c>.</param>
/// <param name="Name">Its name in the web UI.</param>
/// <param name="Code">Its code, which a value may name instead of the id (<c>field_code</c>); <c>null</c> for most account fields.</param>
/// <param name="Type">Its type, one of <see cref="CustomFieldType"/>.</param>
/// <param name="Sort">Its place in the list.</param>
/// <param name="IsPredefined">Whether amoCRM makes it in every account (PHONE, EMAIL, the UTM fields), so nobody can delete it.</param>
/// <param name="Enums">Its choices (select, multiselect) or kinds (multitext); <c>null</c> for other types.</param>
internal sealed record CustomField(long Id, string Name, string? Code, string Type, int Sort, bool IsPredefined, IReadOnlyList<CustomFieldEnum>? Enums)
{
    /// <summary>The enum id of the choice or kind <paramref name="value"/>, which the field has.</summary>
    public long EnumId(string value) => Enums!.First(item => item.Value == value).Id;
}
