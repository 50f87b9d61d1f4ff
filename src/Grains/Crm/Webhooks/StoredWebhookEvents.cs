using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AmoHub.Grains.Interfaces.Crm;

namespace AmoHub.Grains.Crm.Webhooks;

/// <summary>
/// How <c>webhook_inbox.events</c> holds a delivery's events: a JSON array with one array per event of its fields in
/// a fixed order (entity, action, id, name, status, pipeline, updated, created, phones, has a phone field, emails, has
/// an email field), enums and flags as numbers, times as unix ms, text unescaped: about a third of the bytes of one
/// object per event with every field named. Deliveries stored as objects by earlier builds read the same.
/// </summary>
public static class StoredWebhookEvents
{
    private static readonly JsonSerializerOptions Objects = new(JsonSerializerDefaults.Web);

    private static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The events as stored.</summary>
    public static string Write(IReadOnlyList<WebhookEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, Writer))
        {
            json.WriteStartArray();
            foreach (var e in events)
            {
                json.WriteStartArray();
                json.WriteNumberValue((int)e.Entity);
                json.WriteNumberValue((int)e.Action);
                json.WriteNumberValue(e.Id);
                WriteText(json, e.Name);
                WriteNumber(json, e.StatusId);
                WriteNumber(json, e.PipelineId);
                WriteNumber(json, e.UpdatedAt?.ToUnixTimeMilliseconds());
                WriteNumber(json, e.CreatedAt?.ToUnixTimeMilliseconds());
                WriteTexts(json, e.Phones);
                json.WriteNumberValue(e.HasPhoneField ? 1 : 0);
                WriteTexts(json, e.Emails);
                json.WriteNumberValue(e.HasEmailField ? 1 : 0);
                json.WriteEndArray();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The events of a stored delivery, in either form.</summary>
    public static List<WebhookEvent> Read(string stored)
    {
        using var document = JsonDocument.Parse(stored);
        return document.RootElement.EnumerateArray()
            .Select(element => element.ValueKind == JsonValueKind.Array ? FromFields(element) : element.Deserialize<WebhookEvent>(Objects)!)
            .ToList();
    }

    private static WebhookEvent FromFields(JsonElement fields) => new(
        (WebhookEntity)fields[0].GetInt32(),
        (WebhookAction)fields[1].GetInt32(),
        fields[2].GetInt64(),
        fields[3].ValueKind == JsonValueKind.Null ? null : fields[3].GetString(),
        Number(fields[4]),
        Number(fields[5]),
        Number(fields[6]) is { } updated ? DateTimeOffset.FromUnixTimeMilliseconds(updated) : null,
        Number(fields[7]) is { } created ? DateTimeOffset.FromUnixTimeMilliseconds(created) : null,
        Texts(fields[8]),
        fields[9].GetInt32() == 1,
        Texts(fields[10]),
        fields[11].GetInt32() == 1);

    private static long? Number(JsonElement element) => element.ValueKind == JsonValueKind.Null ? null : element.GetInt64();

    private static ImmutableArray<string> Texts(JsonElement element) => [.. element.EnumerateArray().Select(text => text.GetString()!)];

    private static void WriteText(Utf8JsonWriter json, string? text)
    {
        if (text is null)
        {
            json.WriteNullValue();
        }
        else
        {
            json.WriteStringValue(text);
        }
    }

    private static void WriteNumber(Utf8JsonWriter json, long? number)
    {
        if (number is { } value)
        {
            json.WriteNumberValue(value);
        }
        else
        {
            json.WriteNullValue();
        }
    }

    private static void WriteTexts(Utf8JsonWriter json, ImmutableArray<string> texts)
    {
        json.WriteStartArray();
        foreach (var text in texts.IsDefault ? [] : texts)
        {
            json.WriteStringValue(text);
        }

        json.WriteEndArray();
    }
}
