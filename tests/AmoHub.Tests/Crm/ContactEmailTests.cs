using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AmoHub.Sandbox;
using AmoHub.Sandbox.Faults;
using AmoHub.Sandbox.Seeding;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Crm;

/// <summary>Contacts have emails, and a contact is the same contact whether it is found by its phone or by its email.</summary>
public sealed class ContactEmailTests
{
    private const string Account = "sandbox";

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_contact_made_with_a_phone_and_an_email_is_found_by_either_and_gains_a_new_phone_it_is_found_with(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);

        var (madeStatus, made) = await CreateAsync(hub, new { name = "Анна Смирнова", phone = "+7 903 500-00-01", email = "Anna.Smirnova@Mail.ru" });
        var (byEmailStatus, byEmail) = await CreateAsync(hub, new { name = "Аня", email = "  ANNA.SMIRNOVA@mail.RU " });
        var (byPhoneStatus, byPhone) = await CreateAsync(hub, new { name = "А. Смирнова", phone = "8 903 500-00-01" });
        var (newPhoneStatus, newPhone) = await CreateAsync(hub, new { name = "Анна С.", phone = "+7 903 500-00-99", email = "anna.smirnova@mail.ru" });
        var (laterStatus, later) = await CreateAsync(hub, new { name = "Анна", phone = "8 (903) 500-00-99" });

        Assert.Equal(
            [HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK],
            [madeStatus, byEmailStatus, byPhoneStatus, newPhoneStatus, laterStatus]);
        Assert.Single(new[] { made, byEmail, byPhone, newPhone, later }.Select(body => body.GetProperty("amocrmId").GetInt64()).Distinct());
        Assert.Equal(("anna.smirnova@mail.ru", "+79035000001"), (made.GetProperty("email").GetString(), made.GetProperty("phone").GetString()));
        Assert.Equal(["anna.smirnova@mail.ru"], newPhone.GetProperty("emails").EnumerateArray().Select(email => email.GetString()));

        // Found by its email, the contact gains the new phone, beside the one it had, so the phone alone finds it later.
        Assert.Equal(["+79035000001", "+79035000099"], newPhone.GetProperty("phones").EnumerateArray().Select(phone => phone.GetString()));
        var inAmoCrm = Assert.Single(hub.Sandbox.Sandbox.GetContacts(Account));
        Assert.Equal(("anna.smirnova@mail.ru", "WORK"), (Assert.Single(inAmoCrm.Emails).Value, inAmoCrm.Emails[0].EnumCode));
        Assert.Equal([("+79035000001", "WORK"), ("+79035000099", "WORK")], inAmoCrm.Phones.Select(phone => (phone.Value, phone.EnumCode)));
    }

    [Fact]
    public async Task A_contact_found_by_its_phone_gains_the_email_no_other_contact_holds_and_keeps_its_phone_as_a_person_wrote_it()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);
        var amoCrm = hub.Sandbox.Sandbox;
        var petr = amoCrm.CreateContactAsUser(Account, "Пётр", ["8 (903) 500-11-22"]);
        var pavel = amoCrm.CreateContactAsUser(Account, "Павел", ["+7 903 500-11-33"]);
        amoCrm.EditContactAsUser(Account, pavel.Id, emails: ["pavel@example.ru"]);

        var (gainedStatus, gained) = await CreateAsync(hub, new { name = "Пётр", phone = "+79035001122", email = "Petr@Example.ru" });
        var (heldStatus, held) = await CreateAsync(hub, new { name = "Пётр", phone = "+79035001122", email = "pavel@example.ru" });
        var (byEmailStatus, byEmail) = await CreateAsync(hub, new { name = "Пётр", email = "petr@example.ru" });

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], [gainedStatus, heldStatus, byEmailStatus]);
        Assert.All(new[] { gained, held, byEmail }, body => Assert.Equal(petr.Id, body.GetProperty("amocrmId").GetInt64()));
        var petrNow = amoCrm.GetContact(Account, petr.Id)!;
        Assert.Equal(["8 (903) 500-11-22"], petrNow.Phones.Select(phone => phone.Value));
        Assert.Equal(["petr@example.ru"], petrNow.Emails.Select(email => email.Value));

        // The email another contact holds stays that contact's alone.
        Assert.Equal(["pavel@example.ru"], amoCrm.GetContact(Account, pavel.Id)!.Emails.Select(email => email.Value));
        Assert.Equal(2, amoCrm.GetContacts(Account).Count);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Twenty_concurrent_creates_of_one_email_in_different_cases_make_one_amoCRM_contact(StorageProvider engine)
    {
        // Requests wait for their email's lock one after another, each for a create cycle: they may take longer than
        // the default wait before an answer turns into a 202.
        await using var hub = await InProcessAmoHub.StartAsync(engine, new Dictionary<string, string> { ["AmoHub:AmoCrm:MaxWait"] = "00:02:00" });
        await Eventually.MatchAsync(() => ImportAsync(hub, Account), import => import.GetProperty("complete").GetBoolean(), TimeSpan.FromSeconds(60), "the import to end");
        // amoCRM answers slowly and another create is under way when the twenty come: they all wait for the next create
        // cycle, where, but for the email's lock, each would find nothing and make a contact.
        var amoCrm = hub.Sandbox.Sandbox;
        amoCrm.SetFault(Account, new SandboxFault(Latency: TimeSpan.FromMilliseconds(500)));
        var requestsBefore = amoCrm.GetStats(Account).Requests;
        var other = CreateAsync(hub, new { name = "Другой клиент", phone = "+7 916 555-00-00" });
        await Eventually.MatchAsync(() => Task.FromResult(amoCrm.GetStats(Account).Requests), requests => requests > requestsBefore, TimeSpan.FromSeconds(30), "the other create to reach amoCRM");

        // Half bring only the email, half a phone of their own too: those wait for their phone's lock, then the email's.
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => CreateAsync(hub, i % 2 == 0
            ? new { name = $"Клиент {i}", phone = (string?)null, email = InCase("vera.sokolova@example.ru", i) }
            : new { name = $"Клиент {i}", phone = (string?)$"+7 916 555-01-{i:00}", email = InCase("vera.sokolova@example.ru", i) })));
        await other;

        Assert.Equal(1, answers.Count(answer => answer.Status == HttpStatusCode.Created));
        Assert.Equal(19, answers.Count(answer => answer.Status == HttpStatusCode.OK));
        Assert.Single(answers.Select(answer => answer.Body.GetProperty("amocrmId").GetInt64()).Distinct());
        var made = Assert.Single(amoCrm.GetContacts(Account), contact => contact.Emails.Count > 0);
        Assert.Equal("vera.sokolova@example.ru", Assert.Single(made.Emails).Value);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_contact_amoCRM_holds_with_an_email_is_found_by_it_during_the_import_and_after(StorageProvider engine)
    {
        const string account = "mailco";
        await using var amoCrm = await StandaloneSandbox.StartAsync();
        amoCrm.Sandbox.Seed(account, new SandboxSeed(Contacts: 2_000, Seed: 5));
        amoCrm.Sandbox.SetPageCap(account, 50);
        var newestFirst = amoCrm.Sandbox.GetContacts(account).OrderByDescending(contact => contact.UpdatedAt).ToList();
        // The import reads the oldest change first, so a late one is far from read when the first create comes; and a
        // create cycle during the import first reads the newest page of changes, so the late one is not on it either.
        var late = newestFirst.Skip(200).First(contact => contact.Emails.Count > 0);
        var oldest = newestFirst.Last(contact => contact.Emails.Count > 0);
        await using var hub = await InProcessAmoHub.StartAsync(engine, OwnAmoCrm(amoCrm, account));

        var (duringStatus, during) = await CreateAsync(hub, new { name = "Кто-то", email = late.Emails[0].Value.ToUpperInvariant() }, account);
        var importWhenAnswered = await ImportAsync(hub, account);
        await Eventually.MatchAsync(() => ImportAsync(hub, account), import => import.GetProperty("complete").GetBoolean(), TimeSpan.FromSeconds(180), "the import to end");
        var (afterStatus, after) = await CreateAsync(hub, new { name = "Кто-то ещё", email = " " + oldest.Emails[0].Value.ToUpperInvariant() }, account);

        Assert.Equal((HttpStatusCode.OK, late.Id), (duringStatus, during.GetProperty("amocrmId").GetInt64()));
        Assert.False(importWhenAnswered.GetProperty("complete").GetBoolean());
        Assert.Equal((HttpStatusCode.OK, oldest.Id), (afterStatus, after.GetProperty("amocrmId").GetInt64()));
        Assert.Equal(oldest.Emails[0].Value.ToLowerInvariant(), after.GetProperty("email").GetString());
        Assert.Equal(2_000, amoCrm.Sandbox.GetContacts(account).Count);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task An_email_changed_in_amoCRM_is_free_again_for_dedup(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);
        await SubscribeAsync(hub);
        var (_, first) = await CreateAsync(hub, new { name = "Старый адрес", email = "old.address@example.ru" });
        var id = first.GetProperty("amocrmId").GetInt64();

        await ChangeEmailInAmoCrmAsync(hub.Sandbox, Account, id, "New.Address@example.ru");
        await Eventually.MatchAsync(
            () => hub.Http.GetFromJsonAsync<JsonElement>($"/api/contacts/{id}"),
            contact => contact.GetProperty("email").GetString() == "new.address@example.ru",
            TimeSpan.FromSeconds(30),
            "the webhook to bring the new email");
        var (oldStatus, oldEmail) = await CreateAsync(hub, new { name = "Новый владелец", email = "old.address@example.ru" });
        var (newStatus, newEmail) = await CreateAsync(hub, new { name = "Кто угодно", email = "new.address@EXAMPLE.ru" });

        Assert.Equal(HttpStatusCode.Created, oldStatus);
        Assert.NotEqual(id, oldEmail.GetProperty("amocrmId").GetInt64());
        Assert.Equal((HttpStatusCode.OK, id), (newStatus, newEmail.GetProperty("amocrmId").GetInt64()));
        // The sandbox account's DP probe has a contact of its own, made whenever that probe first runs.
        Assert.Equal(
            ["Новый владелец", "Старый адрес"],
            hub.Sandbox.Sandbox.GetContacts(Account).Select(c => c.Name).Where(name => !name.StartsWith("AmoHub", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_webhook_event_replaces_the_emails_only_when_it_carries_an_EMAIL_field(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);
        var destination = await SubscribeAsync(hub);
        var (_, made) = await CreateAsync(hub, new { name = "Пётр", email = "petr@example.ru" });
        var id = made.GetProperty("amocrmId").GetInt64();
        var stamp = hub.Sandbox.Sandbox.GetContact(Account, id)!.UpdatedAt;
        var update = $"contacts[update][0][id]={id}&contacts[update][0][name]=Пётр Иванов&account[subdomain]={Account}";

        // Events newer than what amoCRM's API serves, so the sync that follows each delivery cannot undo them: only
        // the webhook events change the emails here.
        await DeliverAsync(hub, destination, $"{update}&contacts[update][0][updated_at]={stamp + 1}");
        var renamed = await Eventually.MatchAsync(
            () => hub.Http.GetFromJsonAsync<JsonElement>($"/api/contacts/{id}"),
            contact => contact.GetProperty("name").GetString() == "Пётр Иванов",
            TimeSpan.FromSeconds(30),
            "the event without an EMAIL field to be applied");
        await DeliverAsync(hub, destination,
            $"{update}&contacts[update][0][updated_at]={stamp + 2}&contacts[update][0][custom_fields][0][code]=EMAIL&contacts[update][0][custom_fields][0][values][0][value]=Petr.Ivanov%40Example.ru");
        await Eventually.MatchAsync(
            () => hub.Http.GetFromJsonAsync<JsonElement>($"/api/contacts/{id}"),
            contact => contact.GetProperty("email").GetString() == "petr.ivanov@example.ru",
            TimeSpan.FromSeconds(30),
            "the event with an EMAIL field to replace the email");
        var (oldStatus, _) = await CreateAsync(hub, new { name = "Другой Пётр", email = "petr@example.ru" });
        var (newStatus, newEmail) = await CreateAsync(hub, new { name = "Кто угодно", email = "petr.ivanov@example.ru" });

        Assert.Equal(["petr@example.ru"], renamed.GetProperty("emails").EnumerateArray().Select(email => email.GetString()));
        Assert.Equal(HttpStatusCode.Created, oldStatus);
        Assert.Equal((HttpStatusCode.OK, id), (newStatus, newEmail.GetProperty("amocrmId").GetInt64()));
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task Contacts_are_listed_by_email_in_any_case(StorageProvider engine)
    {
        await using var hub = await InProcessAmoHub.StartAsync(engine);
        var (_, listed) = await CreateAsync(hub, new { name = "Ирина Волкова", phone = "+7 903 700-00-01", email = "irina@volkova.ru" });
        await CreateAsync(hub, new { name = "Олег Волков", email = "oleg@volkova.ru" });

        var page = await hub.Http.GetFromJsonAsync<JsonElement>("/api/contacts?email=IRINA%40Volkova.RU");

        Assert.Equal(1, page.GetProperty("total").GetInt64());
        var item = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(listed.GetProperty("amocrmId").GetInt64(), item.GetProperty("amocrmId").GetInt64());
        Assert.Equal(("irina@volkova.ru", "+79037000001"), (item.GetProperty("email").GetString(), item.GetProperty("phone").GetString()));
    }

    [Theory]
    [InlineData("{\"name\": \"Иван\", \"email\": \"ivan@mail\"}", "email")]
    [InlineData("{\"name\": \"Иван\", \"email\": \"ivan petrov@mail.ru\"}", "email")]
    [InlineData("{\"name\": \"Иван\", \"email\": \"ivan@petrov@mail.ru\"}", "email")]
    [InlineData("{\"name\": \"Иван\", \"email\": \"@mail.ru\"}", "email")]
    [InlineData("{\"name\": \"Иван\", \"phone\": \"+79031234567\", \"email\": \"ivan.mail.ru\"}", "email")]
    [InlineData("{\"name\": \"Иван\", \"email\": \"ivan@mail.ru\", \"phone\": \"12\"}", "phone")]
    [InlineData("{\"name\": \"Иван\"}", "phone")]
    [InlineData("{\"name\": \"Иван\", \"phone\": \" \", \"email\": \"\"}", "phone")]
    public async Task A_bad_email_or_neither_phone_nor_email_gets_a_problem_naming_the_field_and_creates_nothing(string body, string field)
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);

        using var response = await hub.Http.PostAsync("/api/contacts", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
        Assert.Empty(hub.Sandbox.Sandbox.GetContacts(Account));
    }

    [Fact]
    public async Task An_email_longer_than_254_characters_is_refused_in_a_create_and_in_a_search()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);
        var email = new string('a', 247) + "@mail.ru";

        using var created = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = "Иван", email });
        using var searched = await hub.Http.GetAsync($"/api/contacts?email={Uri.EscapeDataString(email)}");
        using var fits = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = "Иван", email = email[1..] });

        Assert.Equal(255, email.Length);
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (created.StatusCode, searched.StatusCode));
        Assert.True((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("email", out _));
        Assert.True((await searched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("email", out _));
        Assert.Equal(HttpStatusCode.Created, fits.StatusCode);
    }

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task An_account_kept_before_emails_loads_its_contacts_without_emails_and_finds_them_by_email_in_amoCRM(StorageProvider engine)
    {
        const string account = "oldco";
        await using var amoCrm = await StandaloneSandbox.StartAsync();
        amoCrm.Sandbox.Seed(account, new SandboxSeed(Contacts: 30, Seed: 9));
        // Older than the import's position: the sync that starts each create cycle reads it no more.
        var target = amoCrm.Sandbox.GetContacts(account).Where(contact => contact.Emails.Count > 0).MinBy(contact => contact.UpdatedAt)!;
        var id = target.Id;
        using var database = await TestDatabase.CreateAsync(engine);
        var settings = OwnAmoCrm(amoCrm, account);
        var hub = await InProcessAmoHub.StartOnAsync(database, settings);
        try
        {
            await Eventually.MatchAsync(() => ImportAsync(hub, account), import => import.GetProperty("complete").GetBoolean(), TimeSpan.FromSeconds(60), "the import to end");
        }
        finally
        {
            await hub.DisposeAsync();
        }

        // What an AmoHub that kept no emails left behind: the contact's state without them, an import that did not
        // read them, and an empty contact_emails (made by migration 12 as the new version starts).
        var rows = await GrainStateRows.ReadAsync(database);
        await GrainStateRows.WriteAsync(database, $"{account}/contact:{id}", Without(rows[$"{account}/contact:{id}"], "Snapshot", "Emails"));
        await GrainStateRows.WriteAsync(database, $"account:{account}", Without(rows[$"account:{account}"], null, "ContactsImportReadEmails"));
        await database.ExecuteAsync("DELETE FROM contact_emails");

        hub = await InProcessAmoHub.StartOnAsync(database, settings);
        try
        {
            var kept = await hub.Http.GetFromJsonAsync<JsonElement>($"/api/contacts/{id}?account={account}");
            var (status, found) = await CreateAsync(hub, new { name = "Кто-то", email = target.Emails[0].Value.ToUpperInvariant() }, account);

            Assert.Equal((target.Name, JsonValueKind.Null, 0), (kept.GetProperty("name").GetString(), kept.GetProperty("email").ValueKind, kept.GetProperty("emails").GetArrayLength()));
            Assert.Equal((HttpStatusCode.OK, id), (status, found.GetProperty("amocrmId").GetInt64()));
            Assert.Equal(target.Emails[0].Value.ToLowerInvariant(), found.GetProperty("email").GetString());
            Assert.NotEqual(target.Id, amoCrm.Sandbox.GetContacts(account).MaxBy(contact => contact.UpdatedAt)!.Id);
            Assert.Equal(30, amoCrm.Sandbox.GetContacts(account).Count);
        }
        finally
        {
            await hub.DisposeAsync();
        }
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> CreateAsync(InProcessAmoHub hub, object body, string account = Account)
    {
        using var response = await hub.Http.PostAsJsonAsync($"/api/contacts?account={account}", body);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    /// <summary>Subscribes AmoHub's webhook in the sandbox account; its destination.</summary>
    private static async Task<Uri> SubscribeAsync(InProcessAmoHub hub)
    {
        using var response = await hub.Http.PostAsync("/api/amocrm/webhooks", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new Uri(Assert.Single(hub.Sandbox.Sandbox.GetWebhooks(Account)).Destination);
    }

    /// <summary>Posts a webhook delivery to AmoHub as amoCRM would.</summary>
    private static async Task DeliverAsync(InProcessAmoHub hub, Uri destination, string form)
    {
        using var content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await hub.Http.PostAsync(destination, content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>AmoHub pointed at <paramref name="amoCrm"/>'s <paramref name="account"/> only, as at a remote amoCRM.</summary>
    private static Dictionary<string, string> OwnAmoCrm(SandboxServer amoCrm, string account) => new()
    {
        ["AmoHub:Sandbox:Enabled"] = "false",
        ["AmoHub:Accounts:0:Subdomain"] = account,
        ["AmoHub:Accounts:0:BaseUrl"] = new Uri(amoCrm.Url, account + "/").AbsoluteUri,
        ["AmoHub:Accounts:0:AccessToken"] = amoCrm.AccessToken,
    };

    private static async Task<JsonElement> ImportAsync(InProcessAmoHub hub, string account)
    {
        var status = await hub.Http.GetFromJsonAsync<JsonElement>($"/api/amocrm/status?account={account}");
        return status.GetProperty("sync").GetProperty("contactsImport");
    }

    /// <summary>The address with every other letter upper-cased, starting at <paramref name="shift"/>.</summary>
    private static string InCase(string email, int shift) =>
        string.Concat(email.Select((c, i) => (i + shift) % 2 == 0 ? char.ToUpperInvariant(c) : c));

    /// <summary>A grain state payload without one property (of the object under <paramref name="parent"/>, or of the root).</summary>
    private static string Without(string payload, string? parent, string property)
    {
        var root = JsonNode.Parse(payload)!.AsObject();
        var holder = parent is null ? root : root[parent]!.AsObject();
        Assert.True(holder.Remove(property), property);
        return root.ToJsonString();
    }

    /// <summary>
    /// Replaces a contact's emails as a person in amoCRM would (not through the API, whose budget AmoHub spends: a
    /// request of the test's own could be answered 429); amoCRM's webhooks hear <c>update_contact</c>.
    /// </summary>
    private static Task ChangeEmailInAmoCrmAsync(SandboxServer amoCrm, string account, long id, string email)
    {
        Assert.NotNull(amoCrm.Sandbox.EditContactAsUser(account, id, emails: [email]));
        return Task.CompletedTask;
    }
}
