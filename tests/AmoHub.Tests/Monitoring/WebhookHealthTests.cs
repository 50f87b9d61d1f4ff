using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Monitoring;

/// <summary>amoCRM switching AmoHub's webhook off: caught by the HOOK check, subscribed again, and nothing missed.</summary>
public sealed class WebhookHealthTests
{
    private const string Account = "sandbox";

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_webhook_switched_off_by_101_failed_deliveries_is_caught_subscribed_again_and_what_changed_meanwhile_arrives(StorageProvider engine)
    {
        await using var hub = await MonitoringHost.StartAsync(engine);
        var amoCrm = hub.Sandbox.Sandbox;
        using (var subscribed = await hub.Http.PostAsync("/api/amocrm/webhooks", null))
        {
            Assert.Equal(HttpStatusCode.OK, subscribed.StatusCode);
        }

        var deleted = await CreateAsync(hub, "Удалят без вебхука", "+7 903 700-00-01");
        var edited = await CreateAsync(hub, "Сменит номер", "+7 903 700-00-02");
        long lead;
        using (var created = await hub.Http.PostAsJsonAsync("/api/leads", new { name = "Сделку удалят без вебхука" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            lead = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("amocrmId").GetInt64();
        }

        // AmoHub cannot be reached: the deletion and the edit never arrive by webhook, and after 101 failed attempts
        // amoCRM switches the webhook off.
        amoCrm.MakeDeliveriesUnreachable(Account, 101);
        Assert.True(amoCrm.DeleteContactAsUser(Account, deleted));
        amoCrm.EditContactAsUser(Account, edited, phones: ["+7 903 700-00-03"]);
        Assert.True(amoCrm.DeleteLeadAsUser(Account, lead));
        for (var i = 0; amoCrm.GetWebhooks(Account).All(webhook => !webhook.Disabled) && i < 200; i++)
        {
            amoCrm.CreateContactAsUser(Account, $"Шум {i}", [$"+7 903 710-{i / 100:00}-{i % 100:00}"]);
        }

        await Eventually.MatchAsync(
            () => MonitoringHost.IncidentsAsync(hub),
            all => all.Any(incident => incident.GetProperty("checkType").GetString() == "HOOK" && incident.GetProperty("errorCode").GetString() == "webhook_disabled"),
            TimeSpan.FromSeconds(60),
            "a HOOK incident saying the webhook is switched off");
        await Eventually.MatchAsync(
            () => Task.FromResult(amoCrm.GetWebhooks(Account)),
            webhooks => webhooks.Count == 1 && !webhooks[0].Disabled,
            TimeSpan.FromSeconds(60),
            "AmoHub to subscribe its webhook again");
        await Eventually.MatchAsync(
            async () => (Deleted: await StatusOfAsync(hub, deleted), Phone: await PhoneOfAsync(hub, edited), Lead: await StatusOfAsync(hub, lead, "leads")),
            state => state.Deleted == HttpStatusCode.NotFound && state.Phone == "+79037000003" && state.Lead == HttpStatusCode.NotFound,
            TimeSpan.FromSeconds(60),
            "the deletions and the edit made while the webhook was off to reach our copy");

        // Restored in amoCRM: its webhook (delivered again now) brings it back.
        Assert.NotNull(amoCrm.RestoreContactAsUser(Account, deleted));
        await Eventually.MatchAsync(() => StatusOfAsync(hub, deleted), status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the restored contact to be back");
    }

    [Fact]
    public async Task A_subscription_without_the_events_AmoHub_now_applies_is_subscribed_again_with_them()
    {
        await using var hub = await MonitoringHost.StartAsync(StorageProvider.Sqlite);
        var amoCrm = hub.Sandbox.Sandbox;
        using (var subscribed = await hub.Http.PostAsync("/api/amocrm/webhooks", null))
        {
            Assert.Equal(HttpStatusCode.OK, subscribed.StatusCode);
        }

        // As an earlier version subscribed: no restore events.
        var destination = Assert.Single(amoCrm.GetWebhooks(Account)).Destination;
        string[] earlier = ["add_contact", "update_contact", "delete_contact", "add_lead", "update_lead", "delete_lead", "status_lead"];
        amoCrm.SubscribeWebhook(Account, destination, earlier);
        Assert.DoesNotContain("restore_contact", Assert.Single(amoCrm.GetWebhooks(Account)).Settings);

        await Eventually.MatchAsync(
            () => Task.FromResult(amoCrm.GetWebhooks(Account)),
            webhooks => webhooks.Count == 1 && webhooks[0].Destination == destination
                && webhooks[0].Settings.Contains("restore_contact") && webhooks[0].Settings.Contains("restore_lead"),
            TimeSpan.FromSeconds(60),
            "the HOOK check to subscribe the destination again with the restore events");
        var incidents = await MonitoringHost.IncidentsAsync(hub);
        Assert.DoesNotContain(incidents, incident => incident.GetProperty("checkType").GetString() == "HOOK");
    }

    private static async Task<long> CreateAsync(InProcessAmoHub hub, string name, string phone)
    {
        using var response = await hub.Http.PostAsJsonAsync("/api/contacts", new { name, phone });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("amocrmId").GetInt64();
    }

    private static async Task<HttpStatusCode> StatusOfAsync(InProcessAmoHub hub, long id, string what = "contacts")
    {
        using var response = await hub.Http.GetAsync($"/api/{what}/{id}");
        return response.StatusCode;
    }

    private static async Task<string?> PhoneOfAsync(InProcessAmoHub hub, long id)
    {
        using var response = await hub.Http.GetAsync($"/api/contacts/{id}");
        return response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("phones").EnumerateArray().Select(phone => phone.GetString()).FirstOrDefault()
            : null;
    }
}
