using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace AmoHub.Sandbox.Tests.Infrastructure;

/// <summary>Talks amoCRM's wire format from tests: JSON bodies in, JSON documents out.</summary>
public static class Wire
{
    /// <summary>A number as amoCRM writes it in form fields.</summary>
    public static string Text(this long value) => value.ToString(CultureInfo.InvariantCulture);

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient client, string path, string json) =>
        client.PatchAsync(new Uri(path, UriKind.Relative), Json(json));

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string json) =>
        client.PostAsync(new Uri(path, UriKind.Relative), Json(json));

    public static Task<HttpResponseMessage> DeleteJsonAsync(this HttpClient client, string path, string json) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, new Uri(path, UriKind.Relative)) { Content = Json(json) });

    /// <summary>The status of a GET, the response disposed.</summary>
    public static async Task<HttpStatusCode> StatusOfGetAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        return response.StatusCode;
    }

    /// <summary>Subscribes <paramref name="destination"/> to <paramref name="settings"/> through the API.</summary>
    public static async Task SubscribeWebhookAsync(this HttpClient client, string destination, params string[] settings)
    {
        using var response = await client.PostJsonAsync(
            "api/v4/webhooks", $$"""{"destination":"{{destination}}","settings":[{{string.Join(',', settings.Select(s => $"\"{s}\""))}}]}""");
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Creates contacts through the API and returns their ids.</summary>
    public static async Task<long[]> CreateContactsAsync(this HttpClient client, string json)
    {
        using var response = await client.PostJsonAsync("api/v4/contacts", json);
        response.EnsureSuccessStatusCode();
        var body = await response.ReadJsonAsync();
        return body.GetProperty("_embedded").GetProperty("contacts").EnumerateArray().Select(contact => contact.GetProperty("id").GetInt64()).ToArray();
    }
}
