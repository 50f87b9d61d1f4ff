using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AmoHub.Tests.Crm;

public sealed class WebhookSyncTests
{
    private const string Account = "sandbox";

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Webhook_deliveries_duplicated_and_reordered_leave_the_read_model_equal_to_amoCRM(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);
        var amoCrm = hub.Sandbox.Sandbox;
        await SubscribeAsync(hub);

        // Changes made through AmoHub, then by people in amoCRM (several per second, several per delivery).
        var ids = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            using var created = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = $"Контакт {i}", phone = $"+7 903 200-00-0{i}" });
            ids.Add((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("amocrmId").GetInt64());
        }

        using (var lead = await hub.Http.PostAsJsonAsync("/api/leads", new { name = "Поставка бетона", contactPhone = "+7 903 200-00-01" }))
        {
            Assert.Equal(HttpStatusCode.Created, lead.StatusCode);
        }

        amoCrm.EditContactAsUser(Account, ids[0], name: "Контакт 0 (VIP)");
        amoCrm.EditContactAsUser(Account, ids[0], phones: ["+7 903 200-00-00", "8 915 000-11-22"]);
        amoCrm.DeleteContactAsUser(Account, ids[2]);
        var extra = amoCrm.CreateContactAsUser(Account, "Создан в amoCRM", ["+7 (911) 123-00-00"]);
        var manualLead = amoCrm.CreateLeadAsUser(Account, "Заявка с сайта", contactIds: [extra.Id]);
        amoCrm.EditLeadAsUser(Account, manualLead.Id, statusId: 1000012);
        amoCrm.EditLeadAsUser(Account, manualLead.Id, statusId: 1000013);
        var doomed = amoCrm.CreateLeadAsUser(Account, "Удалить меня");
        amoCrm.DeleteLeadAsUser(Account, doomed.Id);

        await WaitUntilSettledAsync(hub);
        await AssertReadModelMatchesAsync(hub);

        // amoCRM delivers at least once and in any order: replay everything, shuffled, twice and several at a time;
        // every delivery answered 200 must be in the inbox, whichever write stored it.
        var bodies = amoCrm.GetDeliveries(Account).Where(d => d.Succeeded).Select(d => (d.Destination, d.Body)).ToList();
        Assert.True(bodies.Count >= 8, $"expected the changes to be delivered, saw {bodies.Count} deliveries");
        var replay = bodies.Concat(bodies).OrderBy(_ => Random.Shared.Next()).ToList();
        var stored = await hub.Database.ScalarAsync("SELECT COUNT(*) FROM webhook_inbox");
        await Parallel.ForEachAsync(replay, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (delivery, cancellationToken) =>
        {
            using var content = new StringContent(delivery.Body, Encoding.UTF8, "application/x-www-form-urlencoded");
            using var response = await hub.Http.PostAsync(new Uri(delivery.Destination), content, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        });
        Assert.Equal(stored + replay.Count, await hub.Database.ScalarAsync("SELECT COUNT(*) FROM webhook_inbox"));

        await WaitUntilSettledAsync(hub);
        await AssertReadModelMatchesAsync(hub);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_phone_changed_in_amoCRM_is_free_again_for_dedup(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);
        await SubscribeAsync(hub);
        using var first = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = "Старый номер", phone = "+7 903 300-00-01" });
        var id = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("amocrmId").GetInt64();

        hub.Sandbox.Sandbox.EditContactAsUser(Account, id, phones: ["+7 903 300-00-02"]);
        await WaitUntilSettledAsync(hub);

        // An edit within the second of the create loses the tie as a webhook event, and the sync after the delivery
        // brings it, after the inbox counts the delivery applied: wait for the phone in our copy.
        await Eventually.MatchAsync(
            () => hub.Http.GetFromJsonAsync<JsonElement>($"/api/contacts/{id}"),
            contact => contact.GetProperty("phone").GetString() == "+79033000002",
            TimeSpan.FromSeconds(30),
            "the new phone to reach our copy");

        using var oldPhone = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = "Новый владелец", phone = "+7 903 300-00-01" });
        using var newPhone = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = "Кто угодно", phone = "+7 903 300-00-02" });

        Assert.Equal(HttpStatusCode.Created, oldPhone.StatusCode);
        Assert.NotEqual(id, (await oldPhone.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("amocrmId").GetInt64());
        Assert.Equal(HttpStatusCode.OK, newPhone.StatusCode);
        Assert.Equal(id, (await newPhone.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("amocrmId").GetInt64());
        // The sandbox account's DP probe has a contact of its own, made whenever that probe first runs.
        Assert.Equal(
            ["Новый владелец", "Старый номер"],
            hub.Sandbox.Sandbox.GetContacts(Account).Select(c => c.Name).Where(name => !name.StartsWith("AmoHub", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_contact_whose_state_write_failed_is_kept_in_full_when_the_inbox_applies_it_again(StorageProvider engine)
    {
        // A failed state write stands in for a silo killed between the read-model write and the state write: the
        // retry must not find the change already held and skip the write the first attempt never finished.
        var logs = new CapturedLogs();
        await using var hub = await InProcessAmoHub.StartAsync(engine, logs: logs);
        var amoCrm = hub.Sandbox.Sandbox;
        await SubscribeAsync(hub);
        await RefuseInsertsAsync(hub, engine, "refuse_contact_state", "OrleansGrainState", "NEW.GrainIdExtensionString LIKE 'sandbox/contact:%'", "contact state");

        var first = amoCrm.CreateContactAsUser(Account, "Первый", ["+7 903 400-00-01"]);
        await Eventually.MatchAsync(
            () => Task.FromResult(logs.Lines.Count(line => line.EventId == 4101)),
            failures => failures > 0,
            TimeSpan.FromSeconds(30),
            "the inbox to fail applying the delivery");
        Assert.Equal(0, await hub.Database.ScalarAsync($"SELECT COUNT(*) FROM OrleansGrainState WHERE GrainIdExtensionString = 'sandbox/contact:{first.Id}'"));

        await hub.Database.ExecuteAsync("DROP TRIGGER refuse_contact_state");
        var second = amoCrm.CreateContactAsUser(Account, "Второй", ["+7 903 400-00-02"]);
        await WaitUntilSettledAsync(hub);

        await AssertReadModelMatchesAsync(hub);
        var states = await GrainStateRows.ReadAsync(hub.Database);
        Assert.Contains("+79034000001", states[$"sandbox/contact:{first.Id}"], StringComparison.Ordinal);
        Assert.Contains("+79034000002", states[$"sandbox/contact:{second.Id}"], StringComparison.Ordinal);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_contact_named_longer_than_any_column_is_kept_and_the_account_goes_on(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);
        await SubscribeAsync(hub);
        var longName = string.Concat(Enumerable.Repeat("Очень длинное имя контакта ", 60));

        var contact = hub.Sandbox.Sandbox.CreateContactAsUser(Account, longName, ["+7 903 600-00-01"]);
        await WaitUntilSettledAsync(hub);
        using var next = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = "Следующий", phone = "+7 903 600-00-02" });
        using var same = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = "Тот же", phone = "8 903 600-00-01" });

        Assert.Equal(HttpStatusCode.Created, next.StatusCode);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        var found = await same.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(contact.Id, found.GetProperty("amocrmId").GetInt64());
        Assert.Equal(longName, found.GetProperty("name").GetString());
        Assert.Equal(1, await hub.Database.ScalarAsync($"SELECT COUNT(*) FROM contacts WHERE amocrm_id = {contact.Id}"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_contact_that_fails_every_time_is_set_aside_and_everything_behind_it_goes_on(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);
        var amoCrm = hub.Sandbox.Sandbox;
        await SubscribeAsync(hub);
        await RefuseInsertsAsync(hub, engine, "refuse_bad_contact", "contacts", "NEW.name LIKE 'Испорченный%'", "contact");

        var bad = amoCrm.CreateContactAsUser(Account, "Испорченный", ["+7 903 700-00-01"]);
        var good = amoCrm.CreateContactAsUser(Account, "Исправный", ["+7 903 700-00-02"]);

        var status = await Eventually.MatchAsync(
            () => hub.Http.GetFromJsonAsync<JsonElement>($"/api/amocrm/status?account={Account}"),
            s => s.GetProperty("deadLetters").GetInt64() >= 1 && s.GetProperty("webhookDeliveriesPending").GetInt64() == 0,
            TimeSpan.FromSeconds(90),
            "the refused contact to be set aside and the inbox to drain");
        await WaitUntilSettledAsync(hub);
        using var created = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = "Новый", phone = "+7 903 700-00-03" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var letter = status.GetProperty("recentDeadLetters")[0];
        Assert.Equal(bad.Id, letter.GetProperty("amoCrmId").GetInt64());
        Assert.Equal("contact", letter.GetProperty("entity").GetString());
        Assert.Contains("refused by the test", letter.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await hub.Database.ScalarAsync($"SELECT COUNT(*) FROM contacts WHERE amocrm_id = {good.Id}"));
        Assert.Equal(0, await hub.Database.ScalarAsync($"SELECT COUNT(*) FROM contacts WHERE amocrm_id = {bad.Id}"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_webhook_stamped_years_ahead_does_not_freeze_the_contact(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);
        var destination = await SubscribeAsync(hub);
        var contact = hub.Sandbox.Sandbox.CreateContactAsUser(Account, "Сегодня", ["+7 903 800-00-01"]);
        await WaitUntilSettledAsync(hub);

        var future = DateTimeOffset.UtcNow.AddYears(5).ToUnixTimeSeconds();
        using (var forged = await PostFormAsync(hub, destination,
                   $"contacts[update][0][id]={contact.Id}&contacts[update][0][name]=Из будущего&contacts[update][0][updated_at]={future}&account[subdomain]={Account}"))
        {
            Assert.Equal(HttpStatusCode.OK, forged.StatusCode);
        }

        await WaitUntilSettledAsync(hub);
        hub.Sandbox.Sandbox.EditContactAsUser(Account, contact.Id, name: "Завтра");
        await WaitUntilSettledAsync(hub);

        await AssertReadModelMatchesAsync(hub);
        Assert.Equal(1, await hub.Database.ScalarAsync($"SELECT COUNT(*) FROM contacts WHERE amocrm_id = {contact.Id} AND name = 'Завтра'"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task An_update_stamped_after_a_delete_by_a_skewed_clock_does_not_bring_the_contact_back(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);
        var destination = await SubscribeAsync(hub);
        var contact = hub.Sandbox.Sandbox.CreateContactAsUser(Account, "Удаляемый", ["+7 903 800-00-02"]);
        await WaitUntilSettledAsync(hub);
        hub.Sandbox.Sandbox.DeleteContactAsUser(Account, contact.Id);
        await WaitUntilSettledAsync(hub);
        Assert.Equal(0, await hub.Database.ScalarAsync($"SELECT COUNT(*) FROM contacts WHERE amocrm_id = {contact.Id}"));

        var skewed = DateTimeOffset.UtcNow.AddSeconds(2).ToUnixTimeSeconds();
        using (var late = await PostFormAsync(hub, destination,
                   $"contacts[update][0][id]={contact.Id}&contacts[update][0][name]=Призрак&contacts[update][0][updated_at]={skewed}&account[subdomain]={Account}"))
        {
            Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        }

        await WaitUntilSettledAsync(hub);
        using var samePhone = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = "Новый владелец", phone = "+7 903 800-00-02" });

        Assert.Equal(0, await hub.Database.ScalarAsync($"SELECT COUNT(*) FROM contacts WHERE amocrm_id = {contact.Id}"));
        Assert.Equal(HttpStatusCode.Created, samePhone.StatusCode);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Several_events_of_one_contact_in_a_batch_end_with_the_newest_in_one_state_write(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);
        var destination = await SubscribeAsync(hub);
        var contact = hub.Sandbox.Sandbox.CreateContactAsUser(Account, "Исходный", ["+7 903 810-00-01"]);
        await WaitUntilSettledAsync(hub);
        var key = $"sandbox/contact:{contact.Id}";
        var versionBefore = await hub.Database.ScalarAsync($"SELECT Version FROM OrleansGrainState WHERE GrainIdExtensionString = '{key}'");

        // In amoCRM's order: a new phone, then a rename without the phone field, then a stale duplicate of older news.
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string Update(int i, string name, long at, string? phone) =>
            $"contacts[update][{i}][id]={contact.Id}&contacts[update][{i}][name]={name}&contacts[update][{i}][updated_at]={at}&" +
            (phone is null ? "" : $"contacts[update][{i}][custom_fields][0][id]=1&contacts[update][{i}][custom_fields][0][code]=PHONE&contacts[update][{i}][custom_fields][0][values][0][value]={phone}&");
        using (var delivery = await PostFormAsync(hub, destination,
                   Update(0, "Первое", now + 1, "%2B79038100002") + Update(1, "Новейшее", now + 3, phone: null) + Update(2, "Устаревшее", now + 2, "%2B79038100003") +
                   $"account[subdomain]={Account}"))
        {
            Assert.Equal(HttpStatusCode.OK, delivery.StatusCode);
        }

        await WaitUntilSettledAsync(hub);

        Assert.Equal([$"{contact.Id}|Новейшее|+79038100002"], (await ReadContactsAsync(hub)).Where(c => c.StartsWith($"{contact.Id}|", StringComparison.Ordinal)));
        Assert.Contains("Новейшее", (await GrainStateRows.ReadAsync(hub.Database))[key], StringComparison.Ordinal);
        Assert.Equal(versionBefore + 1, await hub.Database.ScalarAsync($"SELECT Version FROM OrleansGrainState WHERE GrainIdExtensionString = '{key}'"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_delivery_with_an_entity_that_failed_stays_pending_while_its_other_entities_are_applied(StorageProvider engine)
    {
        var logs = new CapturedLogs();
        await using var hub = await InProcessAmoHub.StartAsync(engine, logs: logs);
        var destination = await SubscribeAsync(hub);
        var good = hub.Sandbox.Sandbox.CreateContactAsUser(Account, "Исправный", ["+7 903 820-00-01"]);
        await WaitUntilSettledAsync(hub);
        await RefuseInsertsAsync(hub, engine, "refuse_broken_contact", "contacts", "NEW.name LIKE 'Сломанный%'", "contact");

        // The refused contact comes first: the contact after it is another entity and does not wait for it.
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using (var delivery = await PostFormAsync(hub, destination,
                   $"contacts[add][0][id]=990000001&contacts[add][0][name]=Сломанный&contacts[add][0][updated_at]={now + 1}&" +
                   $"contacts[update][0][id]={good.Id}&contacts[update][0][name]=Исправленный&contacts[update][0][updated_at]={now + 1}&account[subdomain]={Account}"))
        {
            Assert.Equal(HttpStatusCode.OK, delivery.StatusCode);
        }

        await Eventually.MatchAsync(
            () => Task.FromResult(logs.Lines.Count(line => line.EventId == 4101)),
            failures => failures > 0,
            TimeSpan.FromSeconds(30),
            "the inbox to keep the refused contact for another try");

        // The first try failed; the entity is set aside only at the third, seconds later.
        Assert.Equal(1, await hub.Database.ScalarAsync("SELECT COUNT(*) FROM webhook_inbox WHERE applied_at IS NULL"));
        Assert.Equal(1, await hub.Database.ScalarAsync($"SELECT COUNT(*) FROM contacts WHERE amocrm_id = {good.Id} AND name = 'Исправленный'"));
        await Eventually.MatchAsync(
            () => hub.Database.ScalarAsync("SELECT COUNT(*) FROM webhook_inbox WHERE applied_at IS NULL"),
            pending => pending == 0,
            TimeSpan.FromSeconds(90),
            "the refused contact to be set aside and its delivery marked applied");
        Assert.Equal(1, await hub.Database.ScalarAsync("SELECT COUNT(*) FROM crm_dead_letters WHERE amocrm_id = 990000001"));
    }

    [Fact]
    public async Task The_sync_status_counts_the_webhook_deliveries_and_events_of_the_last_hour_and_what_is_kept()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);
        var amoCrm = hub.Sandbox.Sandbox;
        await SubscribeAsync(hub);
        var contact = amoCrm.CreateContactAsUser(Account, "Создан в amoCRM", ["+7 (911) 123-00-01"]);
        amoCrm.CreateLeadAsUser(Account, "Заявка из amoCRM", contactIds: [contact.Id]);
        amoCrm.EditContactAsUser(Account, contact.Id, name: "Создан в amoCRM (VIP)");
        await WaitUntilSettledAsync(hub);

        var attempts = amoCrm.GetDeliveries(Account);
        var delivered = attempts.Count(d => d.Succeeded);
        Assert.NotEqual(0, delivered);
        var status = await hub.Http.GetFromJsonAsync<JsonElement>($"/api/amocrm/status?account={Account}");

        // Every delivery answered 200 was stored first; one answered after amoCRM's 2 s may be stored too, though
        // amoCRM counts it failed and delivers it again.
        Assert.InRange(status.GetProperty("webhookDeliveriesLastHour").GetInt64(), delivered, attempts.Count);
        Assert.Equal(await hub.Database.ScalarAsync("SELECT COALESCE(SUM(event_count), 0) FROM webhook_inbox"), status.GetProperty("webhookEventsLastHour").GetInt64());
        Assert.True(status.GetProperty("webhookEventsLastHour").GetInt64() >= 3, "three changes were delivered");
        Assert.Equal(0, status.GetProperty("webhookDeliveriesPending").GetInt64());
        Assert.Equal(1, await hub.Database.ScalarAsync($"SELECT COUNT(*) FROM contacts WHERE amocrm_id = {contact.Id}"));
        Assert.Equal(await hub.Database.ScalarAsync("SELECT COUNT(*) FROM contacts"), status.GetProperty("contacts").GetInt64());
        Assert.Equal(await hub.Database.ScalarAsync("SELECT COUNT(*) FROM leads"), status.GetProperty("leads").GetInt64());
        Assert.True(status.GetProperty("leads").GetInt64() >= 1, "the lead made in amoCRM is kept");
        Assert.Equal(7, status.GetProperty("sync").GetProperty("requestsPerSecondLimit").GetInt32());
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_delivery_to_an_unknown_secret_or_for_another_account_is_refused_an_unreadable_one_ignored_and_nothing_is_stored(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);
        var destination = await SubscribeAsync(hub);
        var form = "contacts[add][0][id]=777&contacts[add][0][name]=Чужой&account[subdomain]=";

        using var unknown = await PostFormAsync(hub, new Uri(hub.Http.BaseAddress!, "/webhooks/amocrm/not-the-secret"), form + Account);
        using var otherAccount = await PostFormAsync(hub, destination, form + "someone-else");
        using var malformed = await PostFormAsync(hub, destination, "contacts[add][0][id]=x7&account[subdomain]=" + Account);
        using var notAForm = await hub.Http.PostAsJsonAsync(destination, new { contacts = 1 });

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherAccount.StatusCode);
        // amoCRM counts every 4xx towards switching the webhook off: a body AmoHub cannot read is answered 200, not stored.
        Assert.Equal(HttpStatusCode.OK, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, notAForm.StatusCode);
        Assert.Equal(0, await hub.Database.ScalarAsync("SELECT COUNT(*) FROM webhook_inbox"));
        Assert.Equal(0, await hub.Database.ScalarAsync("SELECT COUNT(*) FROM contacts WHERE amocrm_id = 777"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_contact_made_through_AmoHub_is_written_once_through_the_next_sync_and_its_webhook_and_a_later_change_still_arrives(StorageProvider engine)
    {
        await using var hub = await StartCountingWritesAsync(engine);

        using var created = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = "Однажды", phone = "+7 903 900-00-01" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("amocrmId").GetInt64();

        // amoCRM's own record of the new contact comes with its add_contact event and the sync after it, and again
        // with the sync the next create starts with.
        await SettleAndSyncAsync(hub, "+7 903 900-00-02");
        var idText = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(hub.Sandbox.Sandbox.GetDeliveries(Account), d => d.Succeeded
            && d.Form.Any(field => field.Key.StartsWith("contacts[add]", StringComparison.Ordinal) && field.Key.EndsWith("[id]", StringComparison.Ordinal) && field.Value == idText));
        Assert.Equal(1, await PhoneWritesAsync(hub, id));
        Assert.Equal(1, await StateWritesAsync(hub, $"contact:{id}"));

        hub.Sandbox.Sandbox.EditContactAsUser(Account, id, name: "Однажды (изменён)");
        await WaitUntilSettledAsync(hub);

        await Eventually.MatchAsync(
            () => hub.Http.GetFromJsonAsync<JsonElement>($"/api/contacts/{id}"),
            contact => contact.GetProperty("name").GetString() == "Однажды (изменён)",
            TimeSpan.FromSeconds(30),
            "the change made in amoCRM to reach our copy");
        await AssertReadModelMatchesAsync(hub);
        Assert.Equal(2, await StateWritesAsync(hub, $"contact:{id}"));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_contact_made_with_a_web_form_lead_in_one_complex_add_is_written_once(StorageProvider engine)
    {
        await using var hub = await StartCountingWritesAsync(engine);

        using (var form = await hub.Http.PostAsJsonAsync("/api/leads", new { name = "Заявка с сайта: один раз", contact = new { name = "Ирина", phone = "+7 903 900-00-11" } }))
        {
            Assert.Equal(HttpStatusCode.Created, form.StatusCode);
        }

        await SettleAndSyncAsync(hub, "+7 903 900-00-12");
        var lead = Assert.Single(hub.Sandbox.Sandbox.GetLeads(Account), lead => lead.Name == "Заявка с сайта: один раз");
        var contactId = Assert.Single(lead.Contacts).Id;
        Assert.Equal(1, hub.Sandbox.Sandbox.GetStats(Account).ComplexAdds);
        await AssertReadModelMatchesAsync(hub);
        Assert.Equal(1, await PhoneWritesAsync(hub, contactId));
        Assert.Equal(1, await StateWritesAsync(hub, $"contact:{contactId}"));
    }

    [Fact]
    public async Task AmoCRMs_record_of_a_contacts_first_version_is_not_written_over_ours_and_later_versions_keep_their_order()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);
        const long id = 990_001;
        var contact = hub.Services.GetRequiredService<IGrainFactory>().GetGrain<IContactGrain>(GrainKeys.Contact(Account, id));
        var created = DateTimeOffset.UtcNow.AddMinutes(-10);
        var ours = created.AddSeconds(-1);
        ContactSnapshot Snapshot(string name, DateTimeOffset createdAt, DateTimeOffset updatedAt) =>
            new(id, name, ["+79039000021"], createdAt, updatedAt);

        // The create's answer, kept with AmoHub's stamp; then amoCRM's first version, from a sync and from a webhook.
        Assert.True(await contact.ApplyAsync(Snapshot("Первый", ours, ours), readFromAmoCrm: false));
        Assert.False(await contact.ApplyAsync(Snapshot("Первый", created, created), readFromAmoCrm: true));
        Assert.False(await contact.ApplyAsync(Snapshot("Первый", created, created), readFromAmoCrm: false));
        Assert.Equal(1, await StateWritesAsync(hub, $"contact:{id}"));

        // The contact was renamed and renamed back: the sync reads the newest version, equal to the first in all but
        // its time, and keeps it, so the rename's late webhook event is older than what is kept.
        Assert.True(await contact.ApplyAsync(Snapshot("Первый", created, created.AddSeconds(20)), readFromAmoCrm: true));
        Assert.False(await contact.ApplyAsync(Snapshot("Второй", created, created.AddSeconds(10)), readFromAmoCrm: false));
        Assert.Equal("Первый", (await contact.GetAsync())!.Name);

        // A first version with other fields than ours is not ours: amoCRM's is taken.
        var other = hub.Services.GetRequiredService<IGrainFactory>().GetGrain<IContactGrain>(GrainKeys.Contact(Account, id + 1));
        Assert.True(await other.ApplyAsync(Snapshot("Первый", ours, ours) with { AmoCrmId = id + 1 }, readFromAmoCrm: false));
        Assert.True(await other.ApplyAsync(Snapshot("Первый в amoCRM", created, created) with { AmoCrmId = id + 1 }, readFromAmoCrm: true));
        Assert.Equal("Первый в amoCRM", (await other.GetAsync())!.Name);
    }

    /// <summary>
    /// AmoHub subscribed to the sandbox's webhooks, counting the rows written to <c>contact_phones</c> by contact: every
    /// write of a contact's read model writes its phones afresh.
    /// </summary>
    private static async Task<InProcessAmoHub> StartCountingWritesAsync(StorageProvider engine)
    {
        var hub = await InProcessAmoHub.StartAsync(engine);
        try
        {
            await SubscribeAsync(hub);
            await hub.Database.ExecuteAsync("CREATE TABLE test_phone_writes (amocrm_id BIGINT NOT NULL)");
            await hub.Database.ExecuteAsync(engine == StorageProvider.Sqlite
                ? "CREATE TRIGGER count_phone_writes AFTER INSERT ON contact_phones BEGIN INSERT INTO test_phone_writes (amocrm_id) VALUES (NEW.amocrm_id); END"
                : "CREATE TRIGGER count_phone_writes AFTER INSERT ON contact_phones FOR EACH ROW INSERT INTO test_phone_writes (amocrm_id) VALUES (NEW.amocrm_id)");
            return hub;
        }
        catch
        {
            await hub.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Lets the webhook events so far be applied, then makes a contact of <paramref name="phone"/>, whose create starts
    /// with a sync, and lets its events be applied too.
    /// </summary>
    private static async Task SettleAndSyncAsync(InProcessAmoHub hub, string phone)
    {
        await WaitUntilSettledAsync(hub);
        using (var next = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = "Следующий", phone }))
        {
            Assert.Equal(HttpStatusCode.Created, next.StatusCode);
        }

        await WaitUntilSettledAsync(hub);
    }

    private static Task<long> PhoneWritesAsync(InProcessAmoHub hub, long contactId) =>
        hub.Database.ScalarAsync($"SELECT COUNT(*) FROM test_phone_writes WHERE amocrm_id = {contactId}");

    /// <summary>The writes of a grain's state (<c>contact:{id}</c>, <c>lead:{id}</c>): every write adds one to its row's version.</summary>
    private static Task<long> StateWritesAsync(InProcessAmoHub hub, string grain) =>
        hub.Database.ScalarAsync($"SELECT COALESCE(MAX(Version), 0) FROM OrleansGrainState WHERE GrainIdExtensionString = '{Account}/{grain}'");

    /// <summary>A trigger that refuses inserts into <paramref name="table"/> of rows matching <paramref name="condition"/>, on either engine.</summary>
    private static Task RefuseInsertsAsync(InProcessAmoHub hub, StorageProvider engine, string name, string table, string condition, string what) =>
        hub.Database.ExecuteAsync(engine == StorageProvider.Sqlite
            ? $"""
               CREATE TRIGGER {name} BEFORE INSERT ON {table}
               WHEN {condition}
               BEGIN SELECT RAISE(ABORT, '{what} refused by the test'); END
               """
            : $"""
               CREATE TRIGGER {name} BEFORE INSERT ON {table} FOR EACH ROW
               BEGIN
                   IF {condition} THEN
                       SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{what} refused by the test';
                   END IF;
               END
               """);

    private static async Task<Uri> SubscribeAsync(InProcessAmoHub hub)
    {
        using var response = await hub.Http.PostAsync("/api/amocrm/webhooks", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("subscribed").GetBoolean());
        var webhook = Assert.Single(hub.Sandbox.Sandbox.GetWebhooks(Account));
        Assert.Contains("add_contact", webhook.Settings);
        return new Uri(webhook.Destination);
    }

    private static async Task<HttpResponseMessage> PostFormAsync(InProcessAmoHub hub, Uri destination, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded");
        return await hub.Http.PostAsync(destination, content);
    }

    /// <summary>Waits until amoCRM has delivered everything and AmoHub has applied it.</summary>
    private static async Task WaitUntilSettledAsync(InProcessAmoHub hub)
    {
        // Every change so far has its last delivery attempt recorded, and AmoHub answered 200 only once a delivery was
        // in its inbox: so no delivery is still on its way, and none stored is left to apply.
        await Eventually.MatchAsync(
            async () =>
            {
                var underway = hub.Sandbox.Sandbox.GetDeliveriesUnderway(Account);
                var deliveries = hub.Sandbox.Sandbox.GetDeliveries(Account);
                var pending = await hub.Database.ScalarAsync("SELECT COUNT(*) FROM webhook_inbox WHERE applied_at IS NULL");
                return (Underway: underway, Deliveries: deliveries.Count, Failed: deliveries.Count(d => !d.Succeeded), Pending: pending);
            },
            state => state.Underway == 0 && state.Pending == 0,
            TimeSpan.FromSeconds(30),
            "webhook deliveries to be delivered and applied");
    }

    private static async Task AssertReadModelMatchesAsync(InProcessAmoHub hub)
    {
        var phones = hub.Services.GetRequiredService<PhoneNormalizer>();
        var expectedContacts = hub.Sandbox.Sandbox.GetContacts(Account)
            .Select(c => $"{c.Id}|{c.Name}|{string.Join(",", c.Phones.Select(p => phones.TryNormalize(p.Value, out var e) ? e : p.Value).Order(StringComparer.Ordinal))}")
            .Order(StringComparer.Ordinal)
            .ToList();
        var expectedLeads = hub.Sandbox.Sandbox.GetLeads(Account)
            .Select(l => $"{l.Id}|{l.Name}|{l.StatusId}|{l.PipelineId}|{(l.Contacts.FirstOrDefault(c => c.IsMain) ?? (l.Contacts.Count > 0 ? l.Contacts[0] : null))?.Id}")
            .Order(StringComparer.Ordinal)
            .ToList();

        await Eventually.MatchAsync(
            async () => (Contacts: await ReadContactsAsync(hub), Leads: await ReadLeadsAsync(hub)),
            actual => actual.Contacts.SequenceEqual(expectedContacts) && actual.Leads.SequenceEqual(expectedLeads),
            TimeSpan.FromSeconds(20),
            $"the read model to equal amoCRM: contacts [{string.Join("; ", expectedContacts)}], leads [{string.Join("; ", expectedLeads)}]");
    }

    private static async Task<List<string>> ReadContactsAsync(InProcessAmoHub hub)
    {
        await using var connection = await hub.Database.Database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT c.amocrm_id, c.name, p.phone FROM contacts c LEFT JOIN contact_phones p ON p.account = c.account AND p.amocrm_id = c.amocrm_id WHERE c.account = '{Account}'";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(long Id, string Name, string? Phone)>();
        while (await reader.ReadAsync())
        {
            rows.Add((Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return rows.GroupBy(r => (r.Id, r.Name))
            .Select(g => $"{g.Key.Id}|{g.Key.Name}|{string.Join(",", g.Select(r => r.Phone).OfType<string>().Order(StringComparer.Ordinal))}")
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static async Task<List<string>> ReadLeadsAsync(InProcessAmoHub hub)
    {
        await using var connection = await hub.Database.Database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT amocrm_id, name, status_id, pipeline_id, contact_amocrm_id FROM leads WHERE account = '{Account}'";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, 5).Select(i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows.Order(StringComparer.Ordinal).ToList();
    }
}
