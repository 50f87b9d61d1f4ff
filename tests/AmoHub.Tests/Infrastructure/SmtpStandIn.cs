using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace AmoHub.Tests.Infrastructure;

/// <summary>One message the SMTP stand-in accepted, with its subject and body decoded.</summary>
public sealed record ReceivedMail(string From, IReadOnlyList<string> To, string Subject, string Body, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// An SMTP server on a free loopback port speaking enough of RFC 5321 for a mail client (EHLO/HELO, MAIL FROM,
/// RCPT TO, DATA, RSET, NOOP, QUIT), without TLS or authentication, recording every message it accepts.
/// </summary>
public sealed partial class SmtpStandIn : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<ReceivedMail> _received = new();
    private Task _accepting = Task.CompletedTask;

    /// <summary>The port it listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Starts the stand-in.</summary>
    public static SmtpStandIn Start()
    {
        var standIn = new SmtpStandIn();
        standIn._listener.Start();
        standIn._accepting = standIn.AcceptAsync();
        return standIn;
    }

    /// <summary>The messages to <paramref name="recipient"/> so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedMail> To(string recipient) =>
        _received.Where(mail => mail.To.Contains(recipient, StringComparer.OrdinalIgnoreCase)).ToList();

    /// <summary>Waits until <paramref name="recipient"/> has <paramref name="count"/> messages.</summary>
    public Task<IReadOnlyList<ReceivedMail>> WaitForAsync(string recipient, int count, TimeSpan? timeout = null) =>
        Eventually.MatchAsync(
            () => Task.FromResult(To(recipient)),
            mails => mails.Count >= count,
            timeout ?? TimeSpan.FromSeconds(30),
            $"{count} messages to {recipient}");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await ConverseAsync(client.GetStream());
            }
            catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The client hung up, or the stand-in is stopping.
            }
        }
    }

    private async Task ConverseAsync(NetworkStream stream)
    {
        var token = _stopping.Token;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 stand-in ESMTP ready");
        string? from = null;
        var to = new List<string>();
        while (await reader.ReadLineAsync(token) is { } line)
        {
            var verb = line.Split(' ', ':')[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-stand-in greets you");
                    await writer.WriteLineAsync("250 8BITMIME");
                    break;
                case "HELO":
                case "NOOP":
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "MAIL":
                    from = AddressIn(line);
                    to.Clear();
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "RCPT" when from is not null:
                    to.Add(AddressIn(line));
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "DATA" when from is not null && to.Count > 0:
                    await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                    if (await ReadDataAsync(reader, token) is not { } data)
                    {
                        // The client hung up before the final dot: like any server, keep nothing.
                        return;
                    }

                    _received.Enqueue(Parse(from, to, data));
                    from = null;
                    to = [];
                    await writer.WriteLineAsync("250 OK: queued");
                    break;
                case "RSET":
                    from = null;
                    to.Clear();
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 Bye");
                    return;
                case "RCPT":
                case "DATA":
                    await writer.WriteLineAsync("503 5.5.1 Bad sequence of commands");
                    break;
                default:
                    await writer.WriteLineAsync("502 5.5.2 Command not recognized");
                    break;
            }
        }
    }

    /// <summary>The message's lines up to the final dot, unstuffed; null when the connection ends first.</summary>
    private static async Task<List<string>?> ReadDataAsync(StreamReader reader, CancellationToken token)
    {
        var lines = new List<string>();
        while (await reader.ReadLineAsync(token) is { } line)
        {
            if (line == ".")
            {
                return lines;
            }

            lines.Add(line.StartsWith("..", StringComparison.Ordinal) ? line[1..] : line);
        }

        return null;
    }

    private static string AddressIn(string line)
    {
        var start = line.IndexOf('<', StringComparison.Ordinal);
        var end = line.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? line[(start + 1)..end] : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }

    private static ReceivedMail Parse(string from, List<string> to, List<string> lines)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? last = null;
        var index = 0;
        for (; index < lines.Count && lines[index].Length > 0; index++)
        {
            var line = lines[index];
            if (char.IsWhiteSpace(line[0]) && last is not null)
            {
                headers[last] += " " + line.Trim();
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            last = line[..colon].Trim();
            headers[last] = line[(colon + 1)..].Trim();
        }

        var body = string.Join("\r\n", lines.Skip(index + 1));
        var encoding = headers.GetValueOrDefault("Content-Transfer-Encoding", "7bit").ToLowerInvariant();
        var decoded = encoding switch
        {
            "base64" => Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(body.Split("\r\n")))),
            "quoted-printable" => Encoding.UTF8.GetString(QuotedPrintable(body)),
            _ => body,
        };
        return new ReceivedMail(from, [.. to], DecodeWords(headers.GetValueOrDefault("Subject", "")), decoded, headers);
    }

    /// <summary>Decodes RFC 2047 encoded words (<c>=?utf-8?B?…?=</c>), dropping the space between adjacent ones.</summary>
    private static string DecodeWords(string value) =>
        EncodedWord().Replace(AdjacentWords().Replace(value, "?==?"), match =>
        {
            var bytes = match.Groups["encoding"].Value.Equals("B", StringComparison.OrdinalIgnoreCase)
                ? Convert.FromBase64String(match.Groups["text"].Value)
                : QuotedPrintable(match.Groups["text"].Value.Replace('_', ' '));
            return Encoding.GetEncoding(match.Groups["charset"].Value).GetString(bytes);
        });

    private static byte[] QuotedPrintable(string text)
    {
        var bytes = new List<byte>();
        var unfolded = text.Replace("=\r\n", "", StringComparison.Ordinal);
        for (var i = 0; i < unfolded.Length; i++)
        {
            if (unfolded[i] == '=' && i + 2 < unfolded.Length)
            {
                bytes.Add(Convert.ToByte(unfolded.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(unfolded[i].ToString()));
            }
        }

        return [.. bytes];
    }

    [GeneratedRegex(@"=\?(?<charset>[^?]+)\?(?<encoding>[BbQq])\?(?<text>[^?]*)\?=")]
    private static partial Regex EncodedWord();

    [GeneratedRegex(@"\?=\s+=\?")]
    private static partial Regex AdjacentWords();
}
