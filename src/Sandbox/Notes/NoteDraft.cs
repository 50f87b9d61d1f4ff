using System.Globalization;
using AmoHub.Sandbox.Http;

namespace AmoHub.Sandbox.Notes;

/// <summary>One note of <c>POST api/v4/{entity}/notes</c> or <c>…/{id}/notes</c>, as the client sent it.</summary>
internal sealed record NoteInput(long? EntityId, string? NoteType, NoteParamsInput? Params, string? RequestId);

/// <summary>The <c>params</c> of a note in a request: a common note's text.</summary>
internal sealed record NoteParamsInput(string? Text);

/// <summary>A checked note of a request: a common note with its text, for the entity it names.</summary>
internal sealed record NoteDraft(string RequestId, long EntityId, string Text)
{
    /// <summary>The only note type the sandbox models: amoCRM's plain text note.</summary>
    public const string CommonType = "common";

    /// <summary>
    /// Checks every note of a request; any error fails the whole request. Each names its entity by <c>entity_id</c>,
    /// unless the route names it (<paramref name="entityId"/>); its type is <c>common</c>, as amoCRM's other types
    /// (calls, SMS, service messages, …) are not modelled; its text is not blank. A missing <c>request_id</c> becomes
    /// the note's index.
    /// </summary>
    public static Checked<IReadOnlyList<NoteDraft>> FromInputs(IReadOnlyList<NoteInput> inputs, long? entityId)
    {
        var drafts = new List<NoteDraft>();
        var failures = new List<RequestErrors>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            var requestId = input.RequestId ?? i.ToString(CultureInfo.InvariantCulture);
            var errors = new List<ValidationError>();
            var target = entityId ?? input.EntityId;
            if (target is null)
            {
                errors.Add(new ValidationError("NotBlank", "entity_id", "This value should not be blank."));
            }

            if (string.IsNullOrWhiteSpace(input.NoteType))
            {
                errors.Add(new ValidationError("NotBlank", "note_type", "This value should not be blank."));
            }
            else if (input.NoteType != CommonType)
            {
                errors.Add(new ValidationError("NotSupportedChoice", "note_type", $"The value you selected is not a valid choice; the sandbox takes only {CommonType} notes."));
            }

            var text = input.Params?.Text?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                errors.Add(new ValidationError("NotBlank", "params.text", "This value should not be blank."));
            }

            if (errors.Count > 0)
            {
                failures.Add(new RequestErrors(requestId, errors));
            }
            else
            {
                drafts.Add(new NoteDraft(requestId, target!.Value, text!));
            }
        }

        return failures.Count > 0 ? AmoProblem.Validation(failures) : Checked.Ok<IReadOnlyList<NoteDraft>>(drafts);
    }
}
