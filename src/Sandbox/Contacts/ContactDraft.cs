using System.Globalization;
using System.Text.Json.Serialization;
using AmoHub.Sandbox.CustomFields;
using AmoHub.Sandbox.Http;
using AmoHub.Sandbox.Tags;

namespace AmoHub.Sandbox.Contacts;

/// <summary>One contact of a create or update request, as the client sent it.</summary>
internal sealed record ContactInput(
    long? Id,
    string? Name,
    string? FirstName,
    string? LastName,
    string? RequestId,
    List<CustomFieldInput>? CustomFieldsValues,
    [property: JsonPropertyName("_embedded")] TagsEmbeddedInput? Embedded);

/// <summary>A checked contact of a request; <c>null</c> members were not sent and stay as they are on update.</summary>
internal sealed record ContactDraft(
    string RequestId,
    long? Id,
    string? Name,
    string? FirstName,
    string? LastName,
    IReadOnlyList<SandboxFieldValue>? Phones,
    IReadOnlyList<SandboxFieldValue>? Emails,
    IReadOnlyList<SandboxCustomField>? CustomFields,
    IReadOnlyList<TagInput>? Tags)
{
    /// <summary>
    /// Checks every contact of a request; any error fails the whole request, so nothing of it is applied. A
    /// missing <c>request_id</c> becomes the contact's index, as amoCRM does.
    /// </summary>
    public static Checked<IReadOnlyList<ContactDraft>> FromInputs(IReadOnlyList<ContactInput> inputs, bool update)
    {
        var drafts = new List<ContactDraft>();
        var failures = new List<RequestErrors>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            var requestId = input.RequestId ?? i.ToString(CultureInfo.InvariantCulture);
            var errors = new List<ValidationError>();
            var draft = From(input, requestId, errors);
            if (update && input.Id is null)
            {
                errors.Add(new ValidationError("NotBlank", "id", "This value should not be blank."));
            }

            if (errors.Count > 0)
            {
                failures.Add(new RequestErrors(requestId, errors));
            }

            drafts.Add(draft);
        }

        return failures.Count > 0 ? AmoProblem.Validation(failures) : Checked.Ok<IReadOnlyList<ContactDraft>>(drafts);
    }

    /// <summary>
    /// Reads one contact; broken rules go to <paramref name="errors"/>. PHONE and EMAIL values are kept apart from the
    /// other fields, as the sandbox holds them.
    /// </summary>
    public static ContactDraft From(ContactInput input, string requestId, List<ValidationError> errors)
    {
        var fields = CustomFieldInput.Read(CustomFieldCatalog.Contacts, input.CustomFieldsValues, errors);
        return new ContactDraft(
            requestId,
            input.Id,
            input.Name?.Trim(),
            input.FirstName?.Trim(),
            input.LastName?.Trim(),
            Multitext(fields, CustomFieldCatalog.Phone),
            Multitext(fields, CustomFieldCatalog.Email),
            fields?.Where(field => field.FieldId != CustomFieldCatalog.Phone.Id && field.FieldId != CustomFieldCatalog.Email.Id).ToList(),
            TagInput.Read(input.Embedded?.Tags, errors));
    }

    /// <summary>Makes the contact this draft creates, with the <paramref name="tags"/> it names.</summary>
    public SandboxContact Create(long id, IReadOnlyList<SandboxTag> tags, long userId, long now) => new(
        id,
        Name ?? FullName(FirstName ?? "", LastName ?? ""),
        FirstName ?? "",
        LastName ?? "",
        Phones ?? [],
        Emails ?? [],
        userId,
        userId,
        now,
        now,
        CustomFields ?? [],
        tags);

    /// <summary>
    /// Applies this draft to <paramref name="contact"/>. Sending a field replaces all its values; the others stay.
    /// <paramref name="tags"/>, when the draft names tags, replace all its tags.
    /// </summary>
    public SandboxContact ApplyTo(SandboxContact contact, IReadOnlyList<SandboxTag>? tags, long userId, long now)
    {
        var firstName = FirstName ?? contact.FirstName;
        var lastName = LastName ?? contact.LastName;
        var name = Name ?? (FirstName is null && LastName is null ? contact.Name : FullName(firstName, lastName));
        return contact with
        {
            Name = name,
            FirstName = firstName,
            LastName = lastName,
            Phones = Phones ?? contact.Phones,
            Emails = Emails ?? contact.Emails,
            CustomFields = CustomFieldInput.Merge(contact.CustomFields, CustomFields),
            Tags = tags ?? contact.Tags,
            UpdatedBy = userId,
            UpdatedAt = Math.Max(now, contact.UpdatedAt),
        };
    }

    private static string FullName(string firstName, string lastName) => $"{firstName} {lastName}".Trim();

    /// <summary>The values of the multitext <paramref name="field"/>, or <c>null</c> when it was not sent.</summary>
    private static List<SandboxFieldValue>? Multitext(IReadOnlyList<SandboxCustomField>? fields, CustomField field) =>
        fields?.FirstOrDefault(sent => sent.FieldId == field.Id)?.Values.Select(value => new SandboxFieldValue(value.Value, value.EnumCode!)).ToList();
}
