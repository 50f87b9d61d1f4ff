using AmoHub.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AmoHub.Tests.Telemetry;

/// <summary>
/// The bound on per-account series. Tested on the component itself: in-process test hubs share the static meters,
/// so values read from a shared /metrics would depend on which tests run beside.
/// </summary>
public sealed class AccountLabelsTests
{
    [Fact]
    public void The_allow_listed_accounts_and_the_first_Max_others_keep_their_label_and_the_rest_are_other()
    {
        var labels = new AccountLabels(new AccountLabelSettings { Max = 2, Accounts = ["vip"] });

        Assert.Equal("first", labels.For("first"));
        Assert.Equal("second", labels.For("second"));
        Assert.Equal(AccountLabels.Other, labels.For("third"));
        Assert.Equal("vip", labels.For("vip"));
        Assert.Equal("first", labels.For("first"));
        Assert.Equal(AccountLabels.Other, labels.For("fourth"));
        Assert.Equal(new KeyValuePair<string, object?>("account", AccountLabels.Other), labels.Tag("fifth"));
    }

    [Fact]
    public void With_Max_0_only_the_allow_listed_accounts_have_series_of_their_own()
    {
        var labels = new AccountLabels(new AccountLabelSettings { Max = 0, Accounts = ["acme", "globex"] });

        Assert.Equal("acme", labels.For("acme"));
        Assert.Equal("globex", labels.For("globex"));
        Assert.Equal(AccountLabels.Other, labels.For("initech"));
    }

    [Fact]
    public void Many_accounts_at_once_never_get_more_labels_than_the_bound()
    {
        var labels = new AccountLabels(new AccountLabelSettings { Max = 10 });

        var given = Enumerable.Range(0, 1_000).AsParallel().Select(i => labels.For($"account-{i}")).Distinct().ToList();

        Assert.Equal(11, given.Count);
        Assert.Contains(AccountLabels.Other, given);
    }

    [Fact]
    public void A_gauge_combines_the_values_of_the_accounts_under_other()
    {
        var labels = new AccountLabels(new AccountLabelSettings { Max = 1 });
        (string, long)[] pending = [("acme", 4), ("globex", 3), ("initech", 5)];

        var summed = labels.Measure(pending, (a, b) => a + b).ToDictionary(m => (string)m.Tags.ToArray().Single(t => t.Key == "account").Value!, m => m.Value);
        var largest = labels.Measure(pending, Math.Max).ToDictionary(m => (string)m.Tags.ToArray().Single(t => t.Key == "account").Value!, m => m.Value);

        Assert.Equal(new Dictionary<string, long> { ["acme"] = 4, [AccountLabels.Other] = 8 }, summed);
        Assert.Equal(new Dictionary<string, long> { ["acme"] = 4, [AccountLabels.Other] = 5 }, largest);
    }

    [Theory]
    [InlineData("AmoHub:Telemetry:AccountLabels:Max", "-1", "AmoHub:Telemetry:AccountLabels:Max")]
    [InlineData("AmoHub:Telemetry:AccountLabels:Accounts:0", "Not An Account", "AmoHub:Telemetry:AccountLabels:Accounts:0")]
    [InlineData("AmoHub:Telemetry:AccountLabels:Accounts:0", "_other", "AmoHub:Telemetry:AccountLabels:Accounts:0")]
    public void A_bad_setting_stops_start_up_naming_its_key(string key, string value, string named)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection([KeyValuePair.Create<string, string?>(key, value)]);

        var failure = Assert.Throws<OptionsValidationException>(() => builder.AddAmoHubTelemetry());

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }
}
