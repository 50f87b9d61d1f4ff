using System.Globalization;
using System.IO.Pipelines;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace AmoHub.WebApi.Monitoring;

/// <summary>The formats an export is written in.</summary>
public enum ExportFormat
{
    /// <summary>RFC 4180 CSV: a header row of the JSON property names, then one row per item, UTF-8.</summary>
    Csv,

    /// <summary>A JSON array of the items, camelCase as the rest of the API.</summary>
    Json,
}

/// <summary>
/// An export answer written while its pages arrive: each page is written and flushed before the next one is read,
/// so the whole answer is never held in memory. Sent as an attachment named <see cref="FileName"/> plus the
/// format's extension.
/// </summary>
public sealed class ExportFile<T>(string fileName, ExportFormat format, IAsyncEnumerable<IReadOnlyList<T>> pages) : IResult
{
    private static readonly PropertyInfo[] Columns = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance);
    private static readonly string Header = string.Join(",", Columns.Select(c => JsonNamingPolicy.CamelCase.ConvertName(c.Name)));

    /// <summary>The file name without extension.</summary>
    public string FileName { get; } = fileName;

    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        var extension = format == ExportFormat.Csv ? "csv" : "json";
        response.ContentType = format == ExportFormat.Csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"{FileName}.{extension}\"";
        if (format == ExportFormat.Csv)
        {
            await WriteCsvAsync(response.Body, cancellationToken);
        }
        else
        {
            await WriteJsonAsync(response.BodyWriter, cancellationToken);
        }
    }

    private async Task WriteCsvAsync(Stream body, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true);
        writer.NewLine = "\r\n";
        await writer.WriteLineAsync(Header.AsMemory(), cancellationToken);
        await foreach (var page in pages.WithCancellation(cancellationToken))
        {
            foreach (var item in page)
            {
                await writer.WriteLineAsync(string.Join(",", Columns.Select(column => Field(column.GetValue(item)))).AsMemory(), cancellationToken);
            }

            await writer.FlushAsync(cancellationToken);
        }
    }

    /// <remarks>The JSON writer writes into the response's pipe (never to the socket itself); each page is then sent.</remarks>
    private async Task WriteJsonAsync(PipeWriter body, CancellationToken cancellationToken)
    {
        await using var writer = new Utf8JsonWriter(body);
        writer.WriteStartArray();
        await foreach (var page in pages.WithCancellation(cancellationToken))
        {
            foreach (var item in page)
            {
                JsonSerializer.Serialize(writer, item, JsonSerializerOptions.Web);
            }

            writer.Flush();
            await body.FlushAsync(cancellationToken);
        }

        writer.WriteEndArray();
        writer.Flush();
        await body.FlushAsync(cancellationToken);
    }

    /// <summary>A CSV field: empty for null, ISO-8601 UTC for times, invariant numbers, quoted when it must be.</summary>
    private static string Field(object? value)
    {
        var text = value switch
        {
            null => "",
            DateTimeOffset time => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1])))
            ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\""
            : text;
    }
}
