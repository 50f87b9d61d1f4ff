using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace AmoHub.Tests.Foundation;

/// <summary>
/// The embedded SQLite database as an operator handles it: copied while AmoHub runs under load
/// (<c>AmoHub.Silo --backup</c>), put back into a new folder while nothing runs on it (<c>--restore</c>, refused while
/// something does), and never opened by two AmoHub processes at once.
/// </summary>
public sealed class BackupTests(ITestOutputHelper output)
{
    private const string Account = "acme";

    [Fact]
    public async Task A_live_all_in_one_is_backed_up_under_load_restored_into_a_new_folder_and_reconciled_to_amoCRMs_contacts()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using var amoCrm = await StandaloneSandbox.StartAsync();
        var settings = AccountSettings(database, amoCrm);
        await using var live = AmoHubProcess.StartSilo(settings);
        await live.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
        using (var subscribed = await live.Http.PostAsJsonAsync($"/api/amocrm/webhooks?account={Account}", new { publicUrl = live.BaseAddress }))
        {
            Assert.Equal(HttpStatusCode.OK, subscribed.StatusCode);
        }

        // Contacts keep coming through the API, and people rename them in amoCRM (webhook deliveries), while the copy
        // is made.
        using var stop = new CancellationTokenSource();
        var made = 0;
        var load = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                using var created = await live.Http.PostAsJsonAsync($"/api/contacts?account={Account}", new { name = $"Клиент {i}", phone = $"+7 905 {100_0000 + i}" });
                Assert.True(created.IsSuccessStatusCode, $"a create during the backup answered {created.StatusCode}");
                var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("amocrmId").GetInt64();
                Interlocked.Increment(ref made);
                if (i % 3 == 1)
                {
                    amoCrm.Sandbox.EditContactAsUser(Account, id, name: $"Клиент {i} (переименован)");
                }
            }
        });
        await Eventually.MatchAsync(() => Task.FromResult(Volatile.Read(ref made)), count => count >= 20, TimeSpan.FromSeconds(60), "contacts before the backup");

        var backup = Path.Combine(Path.GetTempPath(), $"amohub-backup-{Guid.NewGuid():N}.db");
        try
        {
            await using (var copying = AmoHubProcess.StartSilo(settings, "--backup", backup))
            {
                Assert.True(await copying.WaitForExitAsync(TimeSpan.FromSeconds(120)) == 0, copying.Output);
                Assert.Contains("backed up to", copying.Output, StringComparison.Ordinal);
            }

            await Eventually.MatchAsync(() => Task.FromResult(Volatile.Read(ref made)), count => count >= 40, TimeSpan.FromSeconds(60), "contacts after the backup");
            await stop.CancelAsync();
            await load;
            var inBackup = await CountAsync(backup, "SELECT COUNT(*) FROM contacts");
            output.WriteLine($"{made} contacts made under load; {inBackup} in the backup");
            Assert.InRange(inBackup, 20, made);
            Assert.Equal("ok", await IntegrityAsync(backup));

            // A restore over the running database is refused, and changes nothing.
            await using (var refused = AmoHubProcess.StartSilo(settings, "--restore", backup))
            {
                Assert.Equal(4, await refused.WaitForExitAsync(TimeSpan.FromSeconds(120)));
                Assert.Contains("an AmoHub process runs on it", refused.Output, StringComparison.Ordinal);
            }

            Assert.Equal(made, await database.ScalarAsync("SELECT COUNT(*) FROM contacts"));

            using var fresh = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
            var restoredSettings = AccountSettings(fresh, amoCrm);
            await using (var restoring = AmoHubProcess.StartSilo(restoredSettings, "--restore", backup))
            {
                Assert.True(await restoring.WaitForExitAsync(TimeSpan.FromSeconds(120)) == 0, restoring.Output);
            }

            await live.StopAsync();

            // amoCRM goes on while AmoHub is away: a person deletes a contact the backup holds.
            var gone = amoCrm.Sandbox.GetContacts(Account).Where(contact => contact.Name == "Клиент 0").Single();
            Assert.True(amoCrm.Sandbox.DeleteContactAsUser(Account, gone.Id));

            // Nothing but the reconciliation reads amoCRM in the restored AmoHub: no probes.
            restoredSettings["AmoHub__Probes__Enabled"] = "false";
            await using var restored = AmoHubProcess.StartSilo(restoredSettings);
            await restored.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
            Assert.Equal(inBackup, await fresh.ScalarAsync("SELECT COUNT(*) FROM contacts"));
            using var first = await restored.Http.GetAsync($"/api/contacts?account={Account}&phone=%2B79051000000");
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);

            using (var started = await restored.Http.PostAsync($"/api/amocrm/reconcile?account={Account}", null))
            {
                Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            }

            var report = await Eventually.MatchAsync(
                async () => (await restored.Http.GetFromJsonAsync<JsonElement>($"/api/amocrm/status?account={Account}")).GetProperty("sync").GetProperty("reconciliation"),
                reconciliation => !reconciliation.GetProperty("running").GetBoolean(),
                TimeSpan.FromSeconds(120),
                "the reconciliation to end");
            output.WriteLine(report.GetRawText());
            var contacts = report.GetProperty("contacts");
            var inAmoCrm = amoCrm.Sandbox.GetContacts(Account);
            Assert.Equal(inAmoCrm.Count, contacts.GetProperty("read").GetInt64());
            Assert.Equal(made - inBackup, contacts.GetProperty("missing").GetInt64());
            Assert.Equal(1, contacts.GetProperty("extra").GetInt64());
            Assert.Contains(gone.Id, contacts.GetProperty("sample").EnumerateArray().Select(id => id.GetInt64()));
            Assert.True(report.GetProperty("error").ValueKind == JsonValueKind.Null, report.GetRawText());

            // Our copy is amoCRM's again: the same contacts under the same names.
            Assert.Equal(inAmoCrm.Count, await fresh.ScalarAsync("SELECT COUNT(*) FROM contacts"));
            foreach (var contact in inAmoCrm)
            {
                using var ours = await restored.Http.GetAsync($"/api/contacts/{contact.Id}?account={Account}");
                Assert.Equal(contact.Name, (await ours.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());
            }
            Assert.Equal(0, await fresh.ScalarAsync($"SELECT COUNT(*) FROM contacts WHERE amocrm_id = {gone.Id}"));
        }
        finally
        {
            await stop.CancelAsync();
            File.Delete(backup);
        }
    }

    [Fact]
    public async Task Reconcile_from_the_command_line_compares_every_account_with_amoCRM_prints_its_report_and_exits()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using var amoCrm = await StandaloneSandbox.StartAsync();
        var settings = AccountSettings(database, amoCrm);
        settings["AmoHub__Probes__Enabled"] = "false";
        var kept = amoCrm.Sandbox.CreateContactAsUser(Account, "Останется", ["+7 905 200-00-01"]);
        var deleted = amoCrm.Sandbox.CreateContactAsUser(Account, "Будет удалён", ["+7 905 200-00-02"]);
        await using (var first = AmoHubProcess.StartSilo(settings))
        {
            await first.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
            await Eventually.MatchAsync(
                () => database.ScalarAsync("SELECT COUNT(*) FROM contacts"), count => count == 2, TimeSpan.FromSeconds(60), "both contacts imported");
            await first.StopAsync();
        }

        // While AmoHub is stopped a person deletes one contact and adds another: no webhook reaches it.
        Assert.True(amoCrm.Sandbox.DeleteContactAsUser(Account, deleted.Id));
        var added = amoCrm.Sandbox.CreateContactAsUser(Account, "Новый", ["+7 905 200-00-03"]);

        await using var reconcile = AmoHubProcess.StartSilo(settings, "--reconcile");
        Assert.True(await reconcile.WaitForExitAsync(TimeSpan.FromSeconds(180)) == 0, reconcile.Output);

        var line = reconcile.Output.Split('\n').Single(text => text.StartsWith("{\"account\":\"acme\"", StringComparison.Ordinal));
        var contacts = JsonDocument.Parse(line).RootElement.GetProperty("reconciliation").GetProperty("contacts");
        Assert.Equal((2, 1, 1), (contacts.GetProperty("read").GetInt64(), contacts.GetProperty("missing").GetInt64(), contacts.GetProperty("extra").GetInt64()));
        Assert.Equal([added.Id, deleted.Id], contacts.GetProperty("sample").EnumerateArray().Select(id => id.GetInt64()));
        Assert.Equal(2, await database.ScalarAsync($"SELECT COUNT(*) FROM contacts WHERE amocrm_id IN ({kept.Id}, {added.Id})"));
        Assert.Equal(0, await database.ScalarAsync($"SELECT COUNT(*) FROM contacts WHERE amocrm_id = {deleted.Id}"));
    }

    [Fact]
    public async Task A_second_AmoHub_on_the_same_SQLite_file_stops_at_start_up_naming_the_file_and_a_bad_backup_is_not_restored()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using var first = AmoHubProcess.StartSilo(SiloSettings.For(database));
        await first.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));

        await using var second = AmoHubProcess.StartSilo(SiloSettings.For(database));
        Assert.Equal(4, await second.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        Assert.Contains("another AmoHub process runs on the SQLite database", second.Output, StringComparison.Ordinal);
        Assert.Contains("amohub.db", second.Output, StringComparison.Ordinal);

        using var empty = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        var notAmoHub = Path.Combine(Path.GetTempPath(), $"not-amohub-{Guid.NewGuid():N}.db");
        try
        {
            await using (var other = new SqliteConnection($"Data Source={notAmoHub};Pooling=False"))
            {
                await other.OpenAsync();
                await using var create = other.CreateCommand();
                create.CommandText = "CREATE TABLE notes (text TEXT)";
                await create.ExecuteNonQueryAsync();
            }

            await using var restoring = AmoHubProcess.StartSilo(SiloSettings.For(empty), "--restore", notAmoHub);
            Assert.Equal(4, await restoring.WaitForExitAsync(TimeSpan.FromSeconds(120)));
            Assert.Contains("it is no AmoHub database", restoring.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(notAmoHub);
        }
    }

    [Fact]
    public async Task A_backup_of_a_MySQL_deployment_is_refused_pointing_to_mysqldump()
    {
        using var database = await TestDatabase.CreateAsync(StorageProvider.MySql);
        await using var backup = AmoHubProcess.StartSilo(SiloSettings.For(database), "--backup", Path.Combine(Path.GetTempPath(), "unused.db"));

        Assert.Equal(4, await backup.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        Assert.Contains("mysqldump --single-transaction", backup.Output, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> AccountSettings(TestDatabase database, AmoHub.Sandbox.SandboxServer amoCrm)
    {
        var settings = SiloSettings.For(database);
        settings["AmoHub__Accounts__0__Subdomain"] = Account;
        settings["AmoHub__Accounts__0__BaseUrl"] = new Uri(amoCrm.Url, Account + "/").AbsoluteUri;
        settings["AmoHub__Accounts__0__AccessToken"] = amoCrm.AccessToken;
        return settings;
    }

    private static async Task<long> CountAsync(string file, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string?> IntegrityAsync(string file)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return (string?)await command.ExecuteScalarAsync();
    }
}
