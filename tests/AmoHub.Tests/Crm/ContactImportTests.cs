using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Sandbox.Seeding;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Crm;

/// <summary>The first import of a large account: in the background, resumable, and no obstacle to dedup meanwhile.</summary>
public sealed class ContactImportTests
{
    private const string Account = "bigco";
    private const int PageCap = 50;

    [Theory]
    [ClassData(typeof(Engines))]
    public async Task A_large_account_answers_dedup_during_its_import_resumes_the_import_after_a_restart_and_ends_equal_to_amoCRM(StorageProvider engine)
    {
        await using var amoCrm = await StandaloneSandbox.StartAsync();
        var seeded = amoCrm.Sandbox.Seed(Account, new SandboxSeed(Contacts: 3_000, DuplicatePhones: 10, Deleted: 20, Seed: 7));
        // Pages shorter than asked, as real accounts serve them: the import must follow _links.next.
        amoCrm.Sandbox.SetPageCap(Account, PageCap);
        using var database = await TestDatabase.CreateAsync(engine);
        var settings = new Dictionary<string, string>
        {
            ["AmoHub:Sandbox:Enabled"] = "false",
            ["AmoHub:Accounts:0:Subdomain"] = Account,
            ["AmoHub:Accounts:0:BaseUrl"] = new Uri(amoCrm.Url, Account + "/").AbsoluteUri,
            ["AmoHub:Accounts:0:AccessToken"] = amoCrm.AccessToken,
        };

        var shared = seeded.Sample.DuplicatePhones.SelectMany(phone => phone.ContactIds).ToHashSet();
        var target = seeded.Sample.Contacts.Last(contact => !shared.Contains(contact.Id));
        var held = seeded.Sample.DuplicatePhones.OrderByDescending(phone => phone.ContactIds.Count).First();
        var hub = await InProcessAmoHub.StartOnAsync(database, settings);
        JsonElement answer;
        JsonElement importWhenAnswered;
        try
        {
            using var found = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = "Тот же человек", phone = Respell(target.Phone) });
            Assert.Equal(HttpStatusCode.OK, found.StatusCode);
            answer = await found.Content.ReadFromJsonAsync<JsonElement>();
            importWhenAnswered = await ImportAsync(hub);
            Assert.Equal(held.ContactIds.Min(), await AnswerForAsync(hub, held.Phone));

            // Stop in the middle of the import.
            await Eventually.MatchAsync(() => ImportAsync(hub), import => import.GetProperty("read").GetInt64() >= 600, TimeSpan.FromSeconds(120), "600 contacts imported");
        }
        finally
        {
            await hub.DisposeAsync();
        }

        var readBeforeRestart = amoCrm.Sandbox.GetStats(Account).ContactPages;
        hub = await InProcessAmoHub.StartOnAsync(database, settings);
        try
        {
            var import = await Eventually.MatchAsync(() => ImportAsync(hub), i => i.GetProperty("complete").GetBoolean(), TimeSpan.FromSeconds(180), "the import to end");
            var live = amoCrm.Sandbox.GetContacts(Account);
            var pages = amoCrm.Sandbox.GetStats(Account).ContactPages;

            Assert.Equal(target.Id, answer.GetProperty("amocrmId").GetInt64());
            Assert.False(importWhenAnswered.GetProperty("complete").GetBoolean());
            Assert.InRange(readBeforeRestart, 2, pages - 2);
            // Each page after the first starts at the second the last one ended in, so it serves at least one contact
            // again: at most PageCap - 1 new ones a page. Reading the account from the start again after the restart
            // would cost every page read before it once more; only the page in flight may be read twice.
            Assert.InRange(pages, 1, (live.Count + PageCap - 2) / (PageCap - 1) + 2);
            // The restart counts again what the page in flight and the second the last stored page ended in held.
            Assert.InRange(import.GetProperty("read").GetInt64(), live.Count, live.Count + (2 * PageCap));
            Assert.Equal(
                live.Select(contact => contact.Id).Order(),
                await ReadIdsAsync(hub));
            // A phone several contacts hold answers the oldest of them, during the import and after it alike.
            Assert.Equal(3, held.ContactIds.Count);
            Assert.Equal(held.ContactIds.Min(), await AnswerForAsync(hub, held.Phone));
        }
        finally
        {
            await hub.DisposeAsync();
        }
    }

    private static async Task<long> AnswerForAsync(InProcessAmoHub hub, string phone)
    {
        using var response = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = "Ещё один", phone = Respell(phone) });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("amocrmId").GetInt64();
    }

    /// <summary>The same phone as another person would type it: <c>8 903 123-45-67</c> becomes <c>+7(903)1234567</c>.</summary>
    private static string Respell(string phone)
    {
        var digits = string.Concat(phone.Where(char.IsAsciiDigit));
        var national = digits[^10..];
        return $"+7({national[..3]}){national[3..]}";
    }

    private static async Task<JsonElement> ImportAsync(InProcessAmoHub hub)
    {
        var status = await hub.Http.GetFromJsonAsync<JsonElement>($"/api/amocrm/status?account={Account}");
        return status.GetProperty("sync").GetProperty("contactsImport");
    }

    private static async Task<List<long>> ReadIdsAsync(InProcessAmoHub hub)
    {
        await using var connection = await hub.Database.Database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT amocrm_id FROM contacts WHERE account = '{Account}' ORDER BY amocrm_id";
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<long>();
        while (await reader.ReadAsync())
        {
            ids.Add(Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return ids;
    }
}
