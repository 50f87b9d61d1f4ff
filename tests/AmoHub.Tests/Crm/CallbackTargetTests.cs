using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using AmoHub.Grains.Crm.Operations;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.ServiceDefaults.Security;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;
using AmoHub.Tests.Monitoring;
using Microsoft.Extensions.Logging;

namespace AmoHub.Tests.Crm;

/// <summary>
/// A <c>callbackUrl</c> cannot make AmoHub call inside its own network: private and loopback literals are refused when
/// the request comes, and a name is judged by the addresses it resolves to when the callback connects.
/// </summary>
public sealed class CallbackTargetTests
{
    private const string Account = "sandbox";

    /// <summary>Each kind of address a callback must not reach, as an API client would write it.</summary>
    private static readonly string[] PrivateCallbacks =
    [
        "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/hook", "http://127.0.0.1:8080/hook", "http://127.8.9.10/hook",
        "http://2130706433/hook", "http://0.0.0.0/hook", "http://172.16.0.1/hook", "http://192.168.1.1/hook", "http://100.64.0.1/hook",
        "http://[::1]/hook", "http://[::]/hook", "http://[fc00::1]/hook", "http://[fd12:3456::1]/hook", "http://[fe80::1]/hook",
        "http://[::ffff:127.0.0.1]/hook", "http://[::ffff:169.254.169.254]/hook", "http://[64:ff9b::a00:1]/hook", "http://[2002:7f00:1::]/hook",
        "http://localhost/hook", "https://LocalHost:8443/hook", "http://api.localhost/hook", "http://224.0.0.1/hook",
    ];

    [Fact]
    public async Task A_callback_to_a_private_or_loopback_literal_or_localhost_is_a_400_naming_it_and_nothing_is_stored()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite, new Dictionary<string, string> { ["AmoHub:Operations:AllowPrivateCallbacks"] = "false" });

        foreach (var url in PrivateCallbacks)
        {
            using var refused = await hub.Http.PostAsJsonAsync("/api/contacts", new { name = "Жанна", phone = "+7 903 860-00-01", callbackUrl = url });
            await IncidentTests.AssertProblemAsync(refused, HttpStatusCode.BadRequest, "callbackUrl");
        }

        Assert.Empty(hub.Sandbox.Sandbox.GetContacts(Account));
        Assert.Equal(0, await hub.Database.ScalarAsync("SELECT COUNT(*) FROM crm_operations"));
    }

    [Fact]
    public void Public_literals_and_names_are_taken_as_written_and_the_setting_allows_private_ones()
    {
        var strict = new CallbackTargets();
        var open = new CallbackTargets { AllowPrivateCallbacks = true };

        Assert.All(PrivateCallbacks, url => Assert.NotNull(strict.Refuse(new Uri(url))));
        Assert.All(PrivateCallbacks, url => Assert.Null(open.Refuse(new Uri(url))));
        Assert.All(
            ["https://hooks.example.com/amohub?token=1", "http://93.184.216.34/hook", "http://[2a00:1450:4010::65]/hook", "http://[64:ff9b::808:808]/hook"],
            url => Assert.Null(strict.Refuse(new Uri(url))));
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.255.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("2a00:1450:4010::65", true)]
    [InlineData("::ffff:8.8.8.8", true)]
    public void An_address_is_public_only_outside_private_loopback_link_local_and_reserved_ranges(string address, bool expected) =>
        Assert.Equal(expected, CallbackTargets.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public async Task A_name_that_resolves_to_loopback_is_not_connected_to_and_the_delivery_fails_without_the_query_in_the_log()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var logs = new CapturedLogs();
        using var loggers = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var connector = new CallbackConnector(new CallbackTargets(), loggers.CreateLogger<CallbackConnector>(), ResolveToLoopback);
        using var handler = new SocketsHttpHandler { ConnectCallback = connector.ConnectAsync, UseProxy = false };
        var callbacks = new OperationCallbacks(new Clients(handler), loggers.CreateLogger<OperationCallbacks>());
        var now = DateTimeOffset.UtcNow;
        var operation = new Operation(
            Guid.NewGuid().ToString("N"), OperationKind.Contact, OperationStatus.Failed, now, now, null, null, false, 400, null, "refused",
            OperationAnswer.Accepted, new Uri($"http://hooks.rebound.test:{port}/amohub?token=secret-token"));

        Assert.False(await callbacks.SendAsync(Account, operation, attempt: 1));

        Assert.False(listener.Pending());
        Assert.Contains(logs.Lines, line => line.EventId == 5402 && line.Values.Contains("hooks.rebound.test", StringComparison.Ordinal));
        Assert.DoesNotContain("secret-token", logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_private_callbacks_allowed_a_name_that_resolves_to_loopback_is_connected_to()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var loggers = LoggerFactory.Create(_ => { });
        var connector = new CallbackConnector(new CallbackTargets { AllowPrivateCallbacks = true }, loggers.CreateLogger<CallbackConnector>(), ResolveToLoopback);

        await using var stream = await connector.ConnectAsync(new DnsEndPoint("hooks.rebound.test", port), CancellationToken.None);
        using var accepted = await listener.AcceptTcpClientAsync();

        Assert.True(accepted.Connected);
    }

    /// <summary>A resolver that answers every name with loopback, as a rebound or hostile DNS name would.</summary>
    private static Task<IPAddress[]> ResolveToLoopback(string host, CancellationToken cancellationToken) => Task.FromResult(new[] { IPAddress.Loopback });

    /// <summary>The callbacks' named client, over the handler under test.</summary>
    private sealed class Clients(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
