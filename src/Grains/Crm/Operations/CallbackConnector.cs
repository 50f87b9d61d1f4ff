using System.Net;
using System.Net.Sockets;
using AmoHub.ServiceDefaults.Security;
using Microsoft.Extensions.Logging;

namespace AmoHub.Grains.Crm.Operations;

/// <summary>
/// Opens the connections callbacks go out on (the <see cref="SocketsHttpHandler.ConnectCallback"/> of
/// <see cref="OperationCallbacks.HttpClientName"/>): resolves the host, drops every address <see cref="CallbackTargets"/>
/// refuses and connects to the rest. The check is on the addresses actually connected to, so a name that resolves, or
/// is rebound, to an address inside AmoHub's network is never called. A host left without an address fails the
/// delivery as an unreachable one does.
/// </summary>
/// <param name="targets">Which addresses callbacks may reach.</param>
/// <param name="logger">Where a refused host is logged (its name only: a URL's query may hold a client's token).</param>
/// <param name="resolve">Resolves a host name (<see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/>).</param>
public sealed partial class CallbackConnector(
    CallbackTargets targets, ILogger<CallbackConnector> logger, Func<string, CancellationToken, Task<IPAddress[]>> resolve)
{
    /// <summary>The <see cref="SocketsHttpHandler.ConnectCallback"/>.</summary>
    public ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ConnectAsync(context.DnsEndPoint, cancellationToken);
    }

    /// <summary>Connects to an allowed address of <paramref name="endpoint"/>.</summary>
    /// <exception cref="HttpRequestException">No address of the host may receive callbacks.</exception>
    public async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var addresses = await resolve(endpoint.Host, cancellationToken);
        var allowed = addresses.Where(targets.Allows).ToArray();
        if (allowed.Length == 0)
        {
            LogRefused(logger, endpoint.Host, addresses.Length);
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"No address of {endpoint.Host} may receive callbacks.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    [LoggerMessage(EventId = 5402, Level = LogLevel.Warning, Message = "A callback to {Host} was not sent: none of its {Addresses} addresses is a public one (AmoHub:Operations:AllowPrivateCallbacks)")]
    private static partial void LogRefused(ILogger logger, string host, int addresses);
}
