using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AmoHub.Tests.Infrastructure;

/// <summary>A logger provider that keeps every line a host logs (message, structured values, exception), for tests that read them.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _lines = new();

    /// <summary>Everything logged so far.</summary>
    public IReadOnlyList<CapturedLog> Lines => [.. _lines];

    /// <summary>Every line as one text, values and exceptions included, to search for what must not be there.</summary>
    public string AllText => string.Join('\n', _lines.Select(line => line.ToString()));

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLog> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(", ", pairs.Select(pair => $"{pair.Key}={pair.Value}"))
                : "";
            lines.Enqueue(new CapturedLog(category, logLevel, eventId.Id, formatter(state, exception), values, exception?.ToString()));
        }
    }
}

/// <summary>One captured log line.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, int EventId, string Message, string Values, string? Exception)
{
    /// <inheritdoc />
    public override string ToString() => $"{Level} {Category}[{EventId}] {Message} | {Values} | {Exception}";
}
