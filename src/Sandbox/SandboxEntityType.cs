namespace AmoHub.Sandbox;

/// <summary>The kinds of amoCRM entity that have custom fields, tags and notes of their own in the sandbox.</summary>
public enum SandboxEntityType
{
    /// <summary>Contacts, under <c>api/v4/contacts</c>.</summary>
    Contacts,

    /// <summary>Leads, under <c>api/v4/leads</c>.</summary>
    Leads,
}

/// <summary>What the API calls each kind of entity.</summary>
internal static class SandboxEntityTypes
{
    /// <summary>The entity's segment of <c>api/v4</c> and its <c>entity_type</c>: <c>contacts</c> or <c>leads</c>.</summary>
    public static string Path(this SandboxEntityType type) => type == SandboxEntityType.Leads ? "leads" : "contacts";
}
