using System.Net;
using System.Net.Sockets;

namespace AmoHub.ServiceDefaults.Security;

/// <summary>
/// Settings under <c>AmoHub:Operations</c>: where an operation's <c>callbackUrl</c> may point. AmoHub POSTs the finished
/// operation there, so without this an API client could make AmoHub call addresses inside its own network (a cloud
/// metadata service, a database, a silo's ports). Unless <see cref="AllowPrivateCallbacks"/>, a callback to
/// <c>localhost</c> or to a loopback, private, link-local or otherwise non-public address is refused: as an IP literal
/// when the request comes (<see cref="Refuse"/>), and, since a name may resolve (or be rebound) to anything, at every
/// connection (<see cref="Allows"/>).
/// </summary>
public sealed class CallbackTargets
{
    /// <summary>The configuration section.</summary>
    public const string Section = "AmoHub:Operations";

    /// <summary>Ranges no callback goes to: this host, private networks, link-local, shared, documentation, multicast and reserved.</summary>
    private static readonly IPNetwork[] NonPublic =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("198.51.100.0/24"), IPNetwork.Parse("203.0.113.0/24"),
        IPNetwork.Parse("224.0.0.0/3"),
        IPNetwork.Parse("::/96"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("100::/64"), IPNetwork.Parse("2001::/32"), IPNetwork.Parse("2001:db8::/32"),
        IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("fec0::/10"), IPNetwork.Parse("ff00::/8"),
    ];

    /// <summary>IPv6 ranges that carry an IPv4 address (NAT64 from its 12th byte, 6to4 from its 2nd): judged by that address.</summary>
    private static readonly (IPNetwork Range, int Offset)[] Embedding = [(IPNetwork.Parse("64:ff9b::/96"), 12), (IPNetwork.Parse("2002::/16"), 2)];

    /// <summary>
    /// Whether callbacks may go to loopback and private addresses: for tests, and for deployments whose API clients
    /// are all trusted and receive callbacks inside the same network. Off by default.
    /// </summary>
    public bool AllowPrivateCallbacks { get; set; }

    /// <summary>Whether <paramref name="address"/> is reachable from the internet at large, rather than inside a network.</summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var (range, offset) in Embedding)
        {
            if (range.Contains(address))
            {
                return IsPublic(new IPAddress(address.GetAddressBytes().AsSpan(offset, 4)));
            }
        }

        return address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
            && !NonPublic.Any(range => range.Contains(address));
    }

    /// <summary>Whether a callback may connect to <paramref name="address"/>.</summary>
    public bool Allows(IPAddress address) => AllowPrivateCallbacks || IsPublic(address);

    /// <summary>Why a callback may not go to <paramref name="url"/>'s host as written; null when it may (a name is checked when it is connected to).</summary>
    public string? Refuse(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (AllowPrivateCallbacks)
        {
            return null;
        }

        var literal = url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && IPAddress.TryParse(url.DnsSafeHost, out var address)
            ? address
            : null;
        var local = string.Equals(url.IdnHost, "localhost", StringComparison.OrdinalIgnoreCase)
            || url.IdnHost.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
        return local || (literal is not null && !IsPublic(literal))
            ? "must not point to localhost or a loopback, private, link-local or other non-public address (AmoHub:Operations:AllowPrivateCallbacks allows them)."
            : null;
    }
}
