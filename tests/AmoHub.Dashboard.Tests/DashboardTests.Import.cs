using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AmoHub.Sandbox.Seeding;
using Microsoft.Playwright;

namespace AmoHub.Dashboard.Tests;

/// <summary>The CRM card while an account's first import runs.</summary>
public sealed partial class DashboardTests
{
    private const string ImportAccount = "bigimport";

    [Fact]
    public async Task The_CRM_card_shows_a_first_import_under_way_as_a_progress_bar_with_its_read_count_and_takes_it_away_once_the_import_ends()
    {
        var amoCrm = fixture.Hub.Sandbox;
        amoCrm.Sandbox.Seed(ImportAccount, new SandboxSeed(Contacts: 20_000, Seed: 14));
        // 25 contacts a page at the import's share of the budget (3 pages a second) keep it running for minutes,
        // however fast the machine is.
        amoCrm.Sandbox.SetPageCap(ImportAccount, 25);
        using (var added = await fixture.Hub.Http.PostAsJsonAsync(
            "/api/accounts",
            new { subdomain = ImportAccount, baseUrl = new Uri(amoCrm.Url, ImportAccount + "/").AbsoluteUri, accessToken = amoCrm.AccessToken }))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        try
        {
            var page = await fixture.OpenAsync();
            await page.GotoAsync($"/?account={ImportAccount}");
            var contacts = page.Locator("#crm [data-import='contacts'] [role='progressbar']");
            // The total is estimated from the second page on.
            await Assertions.Expect(contacts).ToHaveAttributeAsync("aria-valuenow", PositiveNumber(), new() { Timeout = 60_000 });

            // The card is redrawn every 10 s, so what it shows is read in one go inside the page.
            var shown = await page.EvaluateAsync<JsonElement>(
                """
                () => {
                  const gauge = kind => {
                    const block = document.querySelector(`#crm [data-import='${kind}']`);
                    const bar = block.querySelector("[role='progressbar']");
                    return { label: bar.getAttribute("aria-label"), text: block.querySelector("strong").textContent,
                             now: bar.getAttribute("aria-valuenow"), max: bar.getAttribute("aria-valuemax") };
                  };
                  return { contacts: gauge("contacts"), leads: gauge("leads") };
                }
                """);
            var shownContacts = shown.GetProperty("contacts");
            var read = long.Parse(shownContacts.GetProperty("now").GetString()!, CultureInfo.InvariantCulture);
            var total = long.Parse(shownContacts.GetProperty("max").GetString()!, CultureInfo.InvariantCulture);
            var text = shownContacts.GetProperty("text").GetString()!;
            Assert.Equal("Импорт контактов", shownContacts.GetProperty("label").GetString());
            Assert.InRange(read, 1, total);
            // "12 345 из ~20 000 (61,7%)": the read count, the approximate total and the share.
            Assert.Contains(" из ~", text, StringComparison.Ordinal);
            Assert.EndsWith("%)", text, StringComparison.Ordinal);
            Assert.Equal(read, long.Parse(NotDigits().Replace(text.Split(" из ~")[0], ""), CultureInfo.InvariantCulture));
            // Leads are imported after contacts: no total yet, so the bar has no value.
            var shownLeads = shown.GetProperty("leads");
            Assert.Equal("Импорт сделок", shownLeads.GetProperty("label").GetString());
            Assert.Equal(JsonValueKind.Null, shownLeads.GetProperty("now").ValueKind);
            await ScreenshotAsync(page, "crm-import");

            // Full pages end the import soon.
            amoCrm.Sandbox.ClearPageCap(ImportAccount);
            await Assertions.Expect(page.Locator("#crm [data-import]")).ToHaveCountAsync(0, new() { Timeout = 180_000 });
            await Assertions.Expect(page.Locator("#crm [data-figure='contacts'] strong"))
                .ToHaveTextAsync(ContactsFigure());
        }
        finally
        {
            amoCrm.Sandbox.ClearPageCap(ImportAccount);
            using var removed = await fixture.Hub.Http.DeleteAsync(new Uri($"/api/accounts/{ImportAccount}", UriKind.Relative));
        }
    }

    [Fact]
    public async Task The_CRM_card_shows_the_creates_waiting_for_amoCRM_and_how_long_the_oldest_has_waited()
    {
        const string account = "backlog";
        var amoCrm = fixture.Hub.Sandbox;
        using (var added = await fixture.Hub.Http.PostAsJsonAsync(
            "/api/accounts",
            new { subdomain = account, baseUrl = new Uri(amoCrm.Url, account + "/").AbsoluteUri, accessToken = amoCrm.AccessToken }))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        amoCrm.Sandbox.SetFault(account, new AmoHub.Sandbox.Faults.SandboxFault(FailureRate: 1, FailureStatus: 503));
        try
        {
            using (var request = new HttpRequestMessage(HttpMethod.Post, $"/api/contacts?account={account}")
            {
                Content = JsonContent.Create(new { name = "Ждёт amoCRM", phone = "+7 903 890-00-01" }),
            })
            {
                request.Headers.Add("Prefer", "respond-async");
                using var accepted = await fixture.Hub.Http.SendAsync(request);
                Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            }

            var page = await fixture.OpenAsync();
            await page.GotoAsync($"/?account={account}");
            var backlog = page.Locator("#crm [data-figure='backlog']");
            await Assertions.Expect(backlog.Locator("strong")).ToHaveTextAsync("1");
            await Assertions.Expect(backlog.Locator("span")).ToHaveTextAsync("Заявок ждут amoCRM");
            await Assertions.Expect(backlog.Locator("small")).ToContainTextAsync("старейшая ждёт");
            await Assertions.Expect(backlog).ToHaveClassAsync(new Regex("figure-warning"));
            await ScreenshotAsync(page, "crm-backlog");

            // amoCRM answers again: the request is made and the card, redrawn, says nothing waits.
            amoCrm.Sandbox.ClearFaults(account);
            await Assertions.Expect(backlog.Locator("strong")).ToHaveTextAsync("0", new() { Timeout = 120_000 });
            await Assertions.Expect(backlog).Not.ToHaveClassAsync(new Regex("figure-warning"));
            Assert.Single(amoCrm.Sandbox.GetContacts(account));
        }
        finally
        {
            amoCrm.Sandbox.ClearFaults(account);
            using var removed = await fixture.Hub.Http.DeleteAsync(new Uri($"/api/accounts/{account}", UriKind.Relative));
        }
    }

    [GeneratedRegex(@"^[1-9]\d*$")]
    private static partial Regex PositiveNumber();

    /// <summary>20 000 as the card writes it in Russian, with a (non-breaking) space between thousands.</summary>
    [GeneratedRegex(@"^20\s000$")]
    private static partial Regex ContactsFigure();
}
