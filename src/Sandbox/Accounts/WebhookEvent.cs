using System.Globalization;
using AmoHub.Sandbox.Contacts;
using AmoHub.Sandbox.CustomFields;
using AmoHub.Sandbox.Leads;

namespace AmoHub.Sandbox.Accounts;

/// <summary>
/// A change to one entity, in amoCRM's old v2 webhook format: the fields go under
/// <c>{Entity}[{Action}][n]</c>, such as <c>contacts[add][0][id]</c>.
/// </summary>
/// <param name="Entity"><c>contacts</c> or <c>leads</c>.</param>
/// <param name="Action"><c>add</c>, <c>update</c>, <c>delete</c>, <c>restore</c> or <c>status</c>.</param>
/// <param name="Fields">The entity's fields; keys are the bracketed rest, such as <c>[custom_fields][0][id]</c>.</param>
internal sealed record WebhookEvent(string Entity, string Action, IReadOnlyList<KeyValuePair<string, string>> Fields)
{
    private const string ContactEntity = "contacts";
    private const string LeadEntity = "leads";

    /// <summary>The webhook setting that subscribes to this event, such as <c>add_contact</c> or <c>status_lead</c>.</summary>
    public string Setting => $"{Action}_{(Entity == ContactEntity ? "contact" : "lead")}";

    public static WebhookEvent ForContact(string action, SandboxContact contact, long accountId)
    {
        var fields = new FieldList
        {
            { "[id]", contact.Id },
            { "[name]", contact.Name },
            { "[responsible_user_id]", SandboxAccount.ApiUserId },
            { "[date_create]", contact.CreatedAt },
            { "[last_modified]", contact.UpdatedAt },
            { "[created_user_id]", contact.CreatedBy },
            { "[modified_user_id]", contact.UpdatedBy },
            { "[account_id]", accountId },
            { "[created_at]", contact.CreatedAt },
            { "[updated_at]", contact.UpdatedAt },
            { "[type]", "contact" },
        };
        var index = 0;
        foreach (var (field, values) in new[] { (CustomFieldCatalog.Phone, contact.Phones), (CustomFieldCatalog.Email, contact.Emails) })
        {
            if (values.Count == 0)
            {
                continue;
            }

            var prefix = $"[custom_fields][{index++}]";
            fields.Add($"{prefix}[id]", field.Id);
            fields.Add($"{prefix}[name]", field.Name);
            fields.Add($"{prefix}[code]", field.Code!);
            for (var j = 0; j < values.Count; j++)
            {
                fields.Add($"{prefix}[values][{j}][value]", values[j].Value);
                fields.Add($"{prefix}[values][{j}][enum]", field.EnumId(values[j].EnumCode));
            }
        }

        return new WebhookEvent(ContactEntity, action, fields);
    }

    public static WebhookEvent ForDeletedContact(long id, long accountId) =>
        new(ContactEntity, "delete", new FieldList { { "[id]", id }, { "[account_id]", accountId }, { "[type]", "contact" } });

    /// <summary>A lead's fields, with <c>old_status_id</c> for <c>leads[status]</c>. Lead events carry no contacts.</summary>
    public static WebhookEvent ForLead(string action, SandboxLead lead, long accountId, long? oldStatusId = null)
    {
        var fields = new FieldList
        {
            { "[id]", lead.Id },
            { "[name]", lead.Name },
            { "[status_id]", lead.StatusId },
        };
        if (oldStatusId is { } oldStatus)
        {
            fields.Add("[old_status_id]", oldStatus);
        }

        fields.Add("[price]", lead.Price);
        fields.Add("[responsible_user_id]", SandboxAccount.ApiUserId);
        fields.Add("[last_modified]", lead.UpdatedAt);
        fields.Add("[modified_user_id]", lead.UpdatedBy);
        fields.Add("[created_user_id]", lead.CreatedBy);
        fields.Add("[date_create]", lead.CreatedAt);
        fields.Add("[pipeline_id]", lead.PipelineId);
        fields.Add("[account_id]", accountId);
        fields.Add("[created_at]", lead.CreatedAt);
        fields.Add("[updated_at]", lead.UpdatedAt);
        return new WebhookEvent(LeadEntity, action, fields);
    }

    public static WebhookEvent ForDeletedLead(SandboxLead lead, long accountId) => new(
        LeadEntity,
        "delete",
        new FieldList { { "[id]", lead.Id }, { "[status_id]", lead.StatusId }, { "[pipeline_id]", lead.PipelineId }, { "[account_id]", accountId } });

    /// <summary>
    /// The form of one delivery: every event numbered within its section (<c>contacts[add][0]</c>,
    /// <c>contacts[add][1]</c>, …), then the account.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Form(IEnumerable<WebhookEvent> events, string subdomain, long accountId)
    {
        var form = new List<KeyValuePair<string, string>>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var change in events)
        {
            var section = $"{change.Entity}[{change.Action}]";
            var index = counts.GetValueOrDefault(section);
            counts[section] = index + 1;
            form.AddRange(change.Fields.Select(field => KeyValuePair.Create($"{section}[{index}]{field.Key}", field.Value)));
        }

        form.Add(KeyValuePair.Create("account[subdomain]", subdomain));
        form.Add(KeyValuePair.Create("account[id]", accountId.ToString(CultureInfo.InvariantCulture)));
        return form;
    }

    /// <summary>Form fields in order, numbers written invariantly.</summary>
    private sealed class FieldList : List<KeyValuePair<string, string>>
    {
        public void Add(string key, string value) => Add(KeyValuePair.Create(key, value));

        public void Add(string key, long value) => Add(KeyValuePair.Create(key, value.ToString(CultureInfo.InvariantCulture)));
    }
}
