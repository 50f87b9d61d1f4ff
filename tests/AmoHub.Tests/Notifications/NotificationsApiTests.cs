using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Notifications;

public sealed class NotificationsApiTests(NotificationsFixture fixture) : IClassFixture<NotificationsFixture>
{
    private const string Settings = "/api/accounts/sandbox/notifications";
    private static readonly string[] Ops = ["ops@example.test"];
    private static readonly string[] TestEndpointRecipients = ["test-endpoint@example.test"];
    private static readonly string[] DpOnly = ["dp"];

    [Fact]
    public async Task Settings_read_back_have_their_webhook_URLs_masked_and_a_masked_URL_written_back_keeps_the_secret()
    {
        var (token, hookToken) = ($"api-secret-{Guid.NewGuid():N}", $"api-hook-{Guid.NewGuid():N}");
        using var put = await fixture.Hub.Http.PutAsJsonAsync(Settings, new
        {
            mattermost = new { webhookUrl = fixture.Webhooks.Url(token), channel = "alerts" },
            email = new { recipients = Ops },
            webhook = new { url = fixture.Webhooks.Url(hookToken) },
        });
        var stored = await put.Content.ReadAsStringAsync();
        var read = await fixture.Hub.Http.GetStringAsync(Settings);
        var edited = JsonNode.Parse(read)!;
        edited["mattermost"]!["channel"] = "incidents";
        using var putBack = await fixture.Hub.Http.PutAsync(Settings, new StringContent(edited.ToJsonString(), Encoding.UTF8, "application/json"));
        using var test = await fixture.Hub.Http.PostAsync(new Uri($"{Settings}/test", UriKind.Relative), null);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (put.StatusCode, putBack.StatusCode, test.StatusCode));
        foreach (var body in new[] { stored, read, await putBack.Content.ReadAsStringAsync() })
        {
            Assert.DoesNotContain(token, body, StringComparison.Ordinal);
            Assert.DoesNotContain(hookToken, body, StringComparison.Ordinal);
        }

        var authority = fixture.Webhooks.Url(token).GetLeftPart(UriPartial.Authority);
        var masked = JsonDocument.Parse(read).RootElement;
        Assert.Equal(authority + "/***", masked.GetProperty("mattermost").GetProperty("webhookUrl").GetString());
        Assert.Equal(authority + "/***", masked.GetProperty("webhook").GetProperty("url").GetString());
        Assert.Equal("ops@example.test", masked.GetProperty("email").GetProperty("recipients")[0].GetString());
        Assert.Equal("incidents", Assert.Single(fixture.Webhooks.Accepted(token)).Body.GetProperty("channel").GetString());
        Assert.Single(fixture.Webhooks.Accepted(hookToken));
    }

    [Fact]
    public async Task A_user_and_password_in_a_webhook_URL_are_masked_too()
    {
        var password = $"pw-{Guid.NewGuid():N}";
        var url = fixture.Webhooks.Url("api-userinfo");
        var withUser = new UriBuilder(url) { UserName = "hookuser", Password = password }.Uri;

        using var put = await fixture.Hub.Http.PutAsJsonAsync(Settings, new { webhook = new { url = withUser.AbsoluteUri } });
        var read = await fixture.Hub.Http.GetStringAsync(Settings);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.DoesNotContain(password, await put.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(password, read, StringComparison.Ordinal);
        Assert.DoesNotContain("hookuser", read, StringComparison.Ordinal);
        Assert.Equal($"{url.Scheme}://***@{url.Authority}/***", JsonDocument.Parse(read).RootElement.GetProperty("webhook").GetProperty("url").GetString());
    }

    [Theory]
    [InlineData("""{"mattermost": {"webhookUrl": "ftp://mattermost.example/hooks/x"}}""", "mattermost.webhookUrl")]
    [InlineData("""{"mattermost": {"webhookUrl": "https://mattermost.example/hooks/x", "channel": "Town Square!"}}""", "mattermost.channel")]
    [InlineData("""{"email": {"recipients": ["ops@example.test", "not an address"]}}""", "email.recipients[1]")]
    [InlineData("""{"webhook": {"url": "hooks.example/alerts"}}""", "webhook.url")]
    [InlineData("""{"language": "de"}""", "language")]
    [InlineData("""{"timeZone": "Mars/Olympus_Mons"}""", "timeZone")]
    [InlineData("""{"telegram": {"chatId": "sales team"}}""", "telegram.chatId")]
    [InlineData("""{"telegram": {"topicId": 42}}""", "telegram.chatId")]
    [InlineData("""{"telegram": {"chatId": "-1001234567890", "topicId": 0}}""", "telegram.topicId")]
    [InlineData("""{"quietHours": {"from": "10pm", "to": "08:00"}}""", "quietHours.from")]
    [InlineData("""{"quietHours": {"from": "22:00", "to": "22:00"}}""", "quietHours.to")]
    [InlineData("""{"quietHours": {"from": "22:00", "to": "08:00", "critical": ["DP", "LEADS"]}}""", "quietHours.critical[1]")]
    [InlineData("""{"digest": {"enabled": true, "cron": "every monday"}}""", "digest.cron")]
    public async Task A_bad_setting_is_a_400_problem_naming_the_field_and_nothing_is_stored(string json, string field)
    {
        using var good = await fixture.Hub.Http.PutAsJsonAsync(Settings, new { language = "en", webhook = new { url = fixture.Webhooks.Url("api-kept") } });
        var before = await fixture.Hub.Http.GetStringAsync(Settings);

        using var response = await fixture.Hub.Http.PutAsync(Settings, new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(before, await fixture.Hub.Http.GetStringAsync(Settings));
    }

    [Fact]
    public async Task The_test_endpoint_sends_on_every_channel_and_reports_each_one()
    {
        var (token, hookToken) = ($"api-test-{Guid.NewGuid():N}", $"api-test-hook-{Guid.NewGuid():N}");
        var chat = TelegramTests.NewChat();
        fixture.Webhooks.Behave(hookToken, WebhookBehaviour.Fail);
        using var put = await fixture.Hub.Http.PutAsJsonAsync(Settings, new
        {
            mattermost = new { webhookUrl = fixture.Webhooks.Url(token) },
            email = new { recipients = TestEndpointRecipients },
            webhook = new { url = fixture.Webhooks.Url(hookToken) },
            telegram = new { chatId = chat, topicId = 42 },
        });

        using var response = await fixture.Hub.Http.PostAsync(new Uri($"{Settings}/test", UriKind.Relative), null);
        var body = await response.Content.ReadAsStringAsync();
        var results = JsonDocument.Parse(body).RootElement.GetProperty("results").EnumerateArray()
            .ToDictionary(result => result.GetProperty("channel").GetString()!, result => (result.GetProperty("delivered").GetBoolean(), result.GetProperty("error").GetString()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((true, (string?)null), results["mattermost"]);
        Assert.Equal((true, (string?)null), results["email"]);
        Assert.Equal((false, "HTTP 500"), results["webhook"]);
        Assert.Equal((true, (string?)null), results["telegram"]);
        Assert.Contains("тестовое сообщение", Assert.Single(fixture.Telegram.Accepted(chat)).Text, StringComparison.Ordinal);
        Assert.DoesNotContain(TelegramStandIn.Token, body + await put.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("тестовое сообщение", Assert.Single(fixture.Webhooks.Accepted(token)).Body.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Single(fixture.Smtp.To("test-endpoint@example.test"));
    }

    [Fact]
    public async Task An_unknown_account_is_404_and_a_test_without_channels_is_409()
    {
        using var unknown = await fixture.Hub.Http.GetAsync(new Uri("/api/accounts/nobody/notifications", UriKind.Relative));
        using var none = await fixture.Hub.Http.PutAsJsonAsync(Settings, new { mattermost = new { enabled = false } });
        using var test = await fixture.Hub.Http.PostAsync(new Uri($"{Settings}/test", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, test.StatusCode);
    }

    [Fact]
    public async Task Quiet_hours_and_the_slow_alerts_switch_read_back_as_written_and_the_status_says_until_when_alerts_are_held()
    {
        var now = DateTimeOffset.UtcNow;
        var (from, to) = (Clock(now.AddHours(-2)), Clock(now.AddHours(2)));
        using var put = await fixture.Hub.Http.PutAsJsonAsync(Settings, new
        {
            timeZone = "UTC",
            slowAlerts = false,
            quietHours = new { from, to, critical = DpOnly },
            webhook = new { url = fixture.Webhooks.Url($"api-quiet-{Guid.NewGuid():N}") },
        });
        var read = JsonDocument.Parse(await fixture.Hub.Http.GetStringAsync(Settings)).RootElement;
        var status = await fixture.Hub.Http.GetFromJsonAsync<JsonElement>($"{Settings}/status");
        using var off = await fixture.Hub.Http.PutAsJsonAsync(Settings, new { webhook = new { url = fixture.Webhooks.Url("api-kept") } });
        var after = await fixture.Hub.Http.GetFromJsonAsync<JsonElement>($"{Settings}/status");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (put.StatusCode, off.StatusCode));
        var quiet = read.GetProperty("quietHours");
        Assert.Equal((from, to, "DP", false), (quiet.GetProperty("from").GetString(), quiet.GetProperty("to").GetString(), quiet.GetProperty("critical")[0].GetString(), read.GetProperty("slowAlerts").GetBoolean()));
        Assert.InRange(status.GetProperty("quietUntil").GetDateTimeOffset() - now, TimeSpan.FromMinutes(118), TimeSpan.FromMinutes(121));
        Assert.Equal(JsonValueKind.Null, after.GetProperty("quietUntil").ValueKind);
    }

    private static string Clock(DateTimeOffset at) => at.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_status_endpoint_names_each_channel_and_whether_the_account_configured_it()
    {
        using var put = await fixture.Hub.Http.PutAsJsonAsync(Settings, new { mattermost = new { webhookUrl = fixture.Webhooks.Url($"api-status-{Guid.NewGuid():N}") } });

        using var response = await fixture.Hub.Http.GetAsync(new Uri($"{Settings}/status", UriKind.Relative));
        var status = await response.Content.ReadFromJsonAsync<JsonElement>();
        var channels = status.GetProperty("channels").EnumerateArray()
            .ToDictionary(channel => channel.GetProperty("channel").GetString()!, channel => channel.GetProperty("configured").GetBoolean());

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("sandbox", status.GetProperty("account").GetString());
        Assert.Equal(new Dictionary<string, bool> { ["mattermost"] = true, ["email"] = false, ["webhook"] = false, ["telegram"] = false }, channels);
        Assert.Equal(JsonValueKind.Array, status.GetProperty("muted").ValueKind);
    }
}
