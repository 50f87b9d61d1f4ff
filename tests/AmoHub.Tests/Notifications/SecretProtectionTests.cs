using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using static AmoHub.Tests.Notifications.NotificationsFixture;

namespace AmoHub.Tests.Notifications;

public sealed class SecretProtectionTests
{
    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Notification_webhook_URLs_are_stored_sealed_and_still_work_after_a_restart(StorageProvider engine)
    {
        using var database = await TestDatabase.CreateAsync(engine);
        await using var webhooks = await MattermostStandIn.StartAsync();
        await using var smtp = SmtpStandIn.Start();
        var account = NewAccount();
        var (mattermostToken, hookToken) = ($"mm-secret-{Guid.NewGuid():N}", $"hook-secret-{Guid.NewGuid():N}");
        var settings = new NotificationSettings(
            null, new MattermostTarget(true, webhooks.Url(mattermostToken).AbsoluteUri, null), null, new WebhookTarget(webhooks.Url(hookToken).AbsoluteUri));

        await using (var first = await InProcessAmoHub.StartOnAsync(database, Settings(smtp)))
        {
            var stored = await Notifier(first, account).ConfigureAsync(settings);
            Assert.Equal(webhooks.Url("").GetLeftPart(UriPartial.Authority) + "/***", stored.Settings!.Mattermost!.WebhookUrl);
        }

        var rows = await GrainStateRows.ReadAsync(database);
        Assert.Contains(rows.Keys, key => key.Contains(account, StringComparison.Ordinal));
        Assert.All(rows.Values, payload => Assert.DoesNotContain(mattermostToken, payload, StringComparison.Ordinal));
        Assert.All(rows.Values, payload => Assert.DoesNotContain(hookToken, payload, StringComparison.Ordinal));

        await using var second = await InProcessAmoHub.StartOnAsync(database, Settings(smtp));
        var results = await Notifier(second, account).SendTestAsync();

        Assert.All(results, result => Assert.True(result.Delivered, result.Error));
        Assert.Equal([NotificationChannel.Mattermost, NotificationChannel.Webhook], results.Select(result => result.Channel));
        Assert.Single(webhooks.Accepted(mattermostToken));
        Assert.Single(webhooks.Accepted(hookToken));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Account_tokens_and_client_secrets_are_stored_sealed_and_plaintext_from_before_is_sealed_when_read(StorageProvider engine)
    {
        using var database = await TestDatabase.CreateAsync(engine);
        await using var amoCrm = await StandaloneSandbox.StartAsync();
        var redirect = new Uri("https://amohub.example/oauth/callback");
        var clientSecret = $"client-secret-{Guid.NewGuid():N}";
        var code = amoCrm.Sandbox.CreateAuthorizationCode("acme", "amohub-client", clientSecret, redirect);
        var settings = new Dictionary<string, string>
        {
            ["AmoHub:Sandbox:Enabled"] = "false",
            ["AmoHub:Accounts:0:Subdomain"] = "acme",
            ["AmoHub:Accounts:0:BaseUrl"] = new Uri(amoCrm.Url, "acme/").AbsoluteUri,
            ["AmoHub:Accounts:0:ClientId"] = "amohub-client",
            ["AmoHub:Accounts:0:ClientSecret"] = clientSecret,
            ["AmoHub:Accounts:0:RedirectUri"] = redirect.AbsoluteUri,
            ["AmoHub:Accounts:0:AuthorizationCode"] = code,
            ["AmoHub:Accounts:1:Subdomain"] = "beta",
            ["AmoHub:Accounts:1:BaseUrl"] = new Uri(amoCrm.Url, "beta/").AbsoluteUri,
            ["AmoHub:Accounts:1:AccessToken"] = amoCrm.AccessToken,
        };

        await using (var first = await InProcessAmoHub.StartOnAsync(database, settings))
        {
            Assert.Equal(HttpStatusCode.Created, await CreateContactAsync(first, "acme", "+7 905 200-00-01"));
            Assert.Equal(HttpStatusCode.Created, await CreateContactAsync(first, "beta", "+7 905 200-00-02"));
        }

        var rows = await GrainStateRows.ReadAsync(database);
        Assert.Contains("SealedSecrets", rows["account:acme"], StringComparison.Ordinal);
        foreach (var secret in new[] { clientSecret, code, amoCrm.AccessToken })
        {
            Assert.All(rows.Values, payload => Assert.DoesNotContain(secret, payload, StringComparison.Ordinal));
        }

        // beta's state as AmoHub stored it before it sealed secrets: the token in plaintext.
        var legacy = JsonNode.Parse(rows["account:beta"])!.AsObject();
        legacy.Remove("SealedSecrets");
        legacy["Credentials"] = new JsonObject
        {
            ["$type"] = "AmoHub.Grains.AccountCredentials, AmoHub.Grains.Interfaces",
            ["AccessToken"] = amoCrm.AccessToken,
        };
        legacy["AccessToken"] = amoCrm.AccessToken;
        await GrainStateRows.WriteAsync(database, "account:beta", legacy.ToJsonString());

        await using var second = await InProcessAmoHub.StartOnAsync(database, settings);
        Assert.Equal(HttpStatusCode.Created, await CreateContactAsync(second, "acme", "+7 905 200-00-03"));
        Assert.Equal(HttpStatusCode.Created, await CreateContactAsync(second, "beta", "+7 905 200-00-04"));

        // acme's token pair, got from the code in the first life, was read back: no refresh, no new code needed.
        Assert.Equal((0, 0), (amoCrm.Sandbox.GetStats("acme").Refreshes, amoCrm.Sandbox.GetStats("acme").RevokedRefreshes));
        var beta = (await GrainStateRows.ReadAsync(database))["account:beta"];
        Assert.Contains("SealedSecrets", beta, StringComparison.Ordinal);
        Assert.DoesNotContain(amoCrm.AccessToken, beta, StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> CreateContactAsync(InProcessAmoHub hub, string account, string phone)
    {
        using var response = await hub.Http.PostAsJsonAsync($"/api/contacts?account={account}", new { name = "Клиент", phone });
        return response.StatusCode;
    }
}
