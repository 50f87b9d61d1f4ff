using System.Text.Json;
using AmoHub.Grains.Accounts;
using AmoHub.Grains.AmoCrm;
using AmoHub.Grains.Crm;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Notifications;
using AmoHub.Grains.Probes;
using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace AmoHub.Tests.Foundation;

/// <summary>
/// Grain state rows written by AmoHub before its types moved to the namespaces of their folders
/// (<c>State/written-before-namespaces.json</c>, captured from that build) load as today's types.
/// </summary>
public sealed class MovedStateTests
{
    private static readonly IReadOnlyDictionary<string, string> Legacy =
        JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Foundation", "State", "written-before-namespaces.json")))!;

    [Fact]
    public async Task State_written_before_the_namespaces_followed_the_folders_still_loads()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);
        var storage = hub.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Default);

        var account = await LoadAsync<AccountState>(hub, storage, "account", "account", "account:sandbox");
        var contact = await LoadAsync<EntityState<ContactSnapshot>>(hub, storage, "contact", "contact", "sandbox/contact:20000001");
        var lead = await LoadAsync<EntityState<LeadSnapshot>>(hub, storage, "lead", "lead", "sandbox/lead:30000001");
        var notifier = await LoadAsync<NotifierState>(hub, storage, "notifier", "notifier", "sandbox/notifier");
        var probe = await LoadAsync<ProbeState>(hub, storage, "probe", "probe", "acme/probe:WEB");
        var registry = await LoadAsync<AccountRegistryState>(hub, storage, "accountregistry", "accounts", "legacy-registry");

        Assert.Equal(("sandbox", true, true), (account.Definition!.Subdomain, account.ContactsSynced, account.LeadsSynced));
        Assert.Equal(("Иван Петров", "+79031112233"), (contact.Snapshot!.Name, Assert.Single(contact.Snapshot.Phones)));
        Assert.Empty(contact.Snapshot.Emails);
        Assert.Equal(("Заказ №1", 20000001L), (lead.Snapshot!.Name, lead.Snapshot.MainContactId));
        Assert.Equal(("en", "town-square"), (notifier.Settings!.Language, notifier.Settings.Mattermost!.Channel));
        Assert.Equal((503, HealthStatus.Down, 42L, 41L), (probe.LastTransition!.HttpStatus, probe.Status, probe.Incident!.Id, Assert.Single(probe.UnrecordedClosings).Id));
        Assert.Equal((30000007L, "legacy-secret-value-0123456789"), (registry.Accounts["acme"].TestLeadId, registry.WebhookSecrets["acme"]));
    }

    [Theory]
    [InlineData("AmoHub.Grains.CheckResult", "AmoHub.Grains.Interfaces.Probes.CheckResult")]
    [InlineData("AmoHub.Grains.Crm.AccountState", "AmoHub.Grains.AmoCrm.AccountState")]
    [InlineData("AmoHub.Grains.Crm.EntityState`1[[AmoHub.Grains.ContactSnapshot, AmoHub.Grains.Interfaces]]",
        "AmoHub.Grains.Crm.EntityState`1[[AmoHub.Grains.Interfaces.Crm.ContactSnapshot, AmoHub.Grains.Interfaces]]")]
    [InlineData("System.Collections.Generic.Dictionary`2[[AmoHub.Grains.CheckType, AmoHub.Grains.Interfaces],[AmoHub.Grains.Notifications.FlapHistory, AmoHub.Grains]]",
        "System.Collections.Generic.Dictionary`2[[AmoHub.Grains.Interfaces.Probes.CheckType, AmoHub.Grains.Interfaces],[AmoHub.Grains.Notifications.FlapHistory, AmoHub.Grains]]")]
    [InlineData("AmoHub.Grains.Probes.ProbeState", "AmoHub.Grains.Probes.ProbeState")]
    public void A_stored_type_name_is_read_as_the_type_it_became(string stored, string expected) =>
        Assert.Equal(expected, MovedTypeNames.Rename(stored));

    /// <summary>Writes the legacy payload over a row of a grain of that type, then reads it back through the silo's grain storage.</summary>
    private static async Task<T> LoadAsync<T>(InProcessAmoHub hub, IGrainStorage storage, string grainType, string stateName, string key)
        where T : class, new()
    {
        // A key of its own, so the row is not one the running hub keeps for its sandbox account.
        var id = GrainId.Create(grainType, "moved/" + key);
        await storage.WriteStateAsync(stateName, id, new GrainState<T>(new T()));
        await GrainStateRows.WriteAsync(hub.Database, "moved/" + key, Legacy[key]);
        var loaded = new GrainState<T>();
        await storage.ReadStateAsync(stateName, id, loaded);
        Assert.True(loaded.RecordExists);
        return Assert.IsType<T>(loaded.State);
    }
}
