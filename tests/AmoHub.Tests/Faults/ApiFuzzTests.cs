using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Faults;

/// <summary>
/// Thousands of malformed requests (broken and mistyped JSON, huge bodies, bad UTF-8, odd phones, unknown fields,
/// broken form keys, junk in paths and queries) against every endpoint the OpenAPI document lists, from a fixed
/// seed: none answers 500, every 4xx is problem+json, and a rejected request stores nothing. Requests stay within
/// what reaches the application at all: Kestrel answers a request line over 8 KiB or with a raw NUL itself, with
/// an empty 414 or 400, before any endpoint runs.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class ApiFuzzTests
{
    private const string Account = "sandbox";
    private const int Seed = 20261123;
    private const int CasesPerOperation = 100;

    private static readonly string[] JunkValues =
    [
        "", " ", "-1", "0", "1.5", "abc", "NaN", "1e400", "99999999999999999999", "-9223372036854775809", "true", "null",
        "%00", "\u0000", "../../etc/passwd", "٣", "１２３", "2026-13-45T25:61:00Z", "<script>", "' OR 1=1 --", "😀", "\uFFFD",
        new string('x', 2000), "sandbox ", "SANDBOX", "bench-does-not-exist",
    ];

    private static readonly string[] OddPhones =
    [
        "", " ", "+", "++79031234567", "８９０３１２３４５６７", "٨٩٠٣١٢٣٤٥٦٧", "+7 903 123-45-67 доб. 5", new string('9', 40),
        "+999999999999999999999", "tel:+79031234567", "\u202e+79031234567", "-1", "1e10", "+7(903)1234567#", "+7\u00009031234567",
        "00000000000", "+0", "7", "+79031234567\n+79031234568", "79031234567" + new string(' ', 3000), "+7 903 123 45 6٧",
    ];

    private static readonly string[] OddCharsets = ["utf-7", "utf-16", "koi8-r", "x-made-up", "\"utf-8\"", "UTF-8", "", "utf-8; charset=utf-7"];

    [Fact]
    public async Task Malformed_requests_to_every_endpoint_get_no_500_a_problem_for_every_4xx_and_store_nothing()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);
        var secret = await SubscribeToNowhereAsync(hub);
        var operations = await OperationsAsync(hub);
        Assert.Contains(operations, o => o.Path == "/webhooks/amocrm/{secret}");
        Assert.Contains(operations, o => o.Path == "/api/contacts" && o.Method == "POST");

        var random = new Random(Seed);
        // The webhook receiver parses the most (amoCRM's nested form keys), so it gets more cases.
        var cases = operations
            .SelectMany(operation => Enumerable.Range(0, operation.Path == "/webhooks/amocrm/{secret}" ? 6 * CasesPerOperation : CasesPerOperation)
                .Select(_ => Case(operation, secret, random)))
            .ToList();
        var failures = new List<string>();
        var rejectedWrites = 0;

        // Reads first, several at a time; then the writes one at a time, each between two counts of what is stored.
        using var http = new HttpClient { BaseAddress = hub.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        await Parallel.ForEachAsync(cases.Where(c => c.Method == "GET"), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (fuzz, _) =>
        {
            var failure = Check(fuzz, await SendAsync(http, fuzz));
            if (failure is not null)
            {
                lock (failures)
                {
                    failures.Add(failure);
                }
            }
        });
        foreach (var fuzz in cases.Where(c => c.Method != "GET"))
        {
            var before = await CountsAsync(hub);
            var answer = await SendAsync(http, fuzz);
            if (Check(fuzz, answer) is { } failure)
            {
                failures.Add(failure);
            }

            if ((int)answer.Status is >= 200 and < 300)
            {
                await SettleAsync(hub);
            }
            else if (++rejectedWrites > 0 && await CountsAsync(hub) is var after && after != before)
            {
                failures.Add($"{fuzz} was rejected with {(int)answer.Status} but stored something: {before} → {after}");
            }
        }

        Assert.True(cases.Count > 3000, $"only {cases.Count} cases");
        Assert.True(rejectedWrites > 1000, $"only {rejectedWrites} writes were rejected: the fuzzer is not reaching the checks");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases failed:\n" + string.Join("\n", failures.Distinct().Take(25)));
    }

    [Theory]
    [InlineData("/api/contacts", "application/json; charset=utf-7", "{\"name\":\"Иван\",\"phone\":\"+79031234567\"}")]
    [InlineData("/api/leads", "application/json; charset=x-made-up", "{\"name\":\"Сделка\"}")]
    [InlineData("/api/amocrm/webhooks", "application/json; charset=utf-16", "{}")]
    public async Task A_body_in_a_charset_AmoHub_does_not_read_is_a_415_problem_and_changes_nothing(string path, string contentType, string body)
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);
        var before = await CountsAsync(hub);

        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await hub.Http.PostAsync(path, content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await CountsAsync(hub));
        Assert.Empty(hub.Sandbox.Sandbox.GetWebhooks(Account));
    }

    [Fact]
    public async Task A_body_whose_charset_is_utf8_in_quotes_is_read_as_utf8()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);

        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"name\":\"Ёлка\",\"phone\":\"+7 903 650-00-02\"}"));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=\"utf-8\"");
        using var response = await hub.Http.PostAsync("/api/contacts", content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("Ёлка", Assert.Single(hub.Sandbox.Sandbox.GetContacts(Account)).Name);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded; charset=utf-7")]
    [InlineData("application/json")]
    [InlineData(null)]
    public async Task A_webhook_delivery_AmoHub_cannot_read_is_answered_200_not_stored_and_what_changed_is_synced(string? contentType)
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);
        var secret = await SubscribeToNowhereAsync(hub);
        // A change amoCRM's delivery of which never arrives: only a sync brings it.
        var missed = hub.Sandbox.Sandbox.CreateContactAsUser(Account, "Пропущенный", ["+7 903 650-00-01"]);

        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes($"contacts[add][0][id]=5&account[subdomain]={Account}"));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var response = await hub.Http.PostAsync($"/webhooks/amocrm/{secret}", content);

        // amoCRM counts every 4xx towards switching the webhook off.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, await hub.Database.ScalarAsync("SELECT COUNT(*) FROM webhook_inbox"));
        await Eventually.MatchAsync(
            () => hub.Database.ScalarAsync($"SELECT COUNT(*) FROM contacts WHERE amocrm_id = {missed.Id}"),
            count => count == 1,
            TimeSpan.FromSeconds(30),
            "the contact the unread delivery may have carried to be synced");
    }

    /// <summary>Subscribes AmoHub in the sandbox at an address nobody listens on: the secret works, but the sandbox's own deliveries of the changes the fuzzer makes never arrive, so nothing is stored behind its back.</summary>
    private static async Task<string> SubscribeToNowhereAsync(InProcessAmoHub hub)
    {
        using var response = await hub.Http.PostAsJsonAsync("/api/amocrm/webhooks", new { publicUrl = $"http://127.0.0.1:{FreePort.Next()}/" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Assert.Single(hub.Sandbox.Sandbox.GetWebhooks(Account)).Destination.Split('/')[^1];
    }

    /// <summary>Every operation of the OpenAPI document, with its path and query parameters and the properties of its JSON body.</summary>
    private static async Task<List<Operation>> OperationsAsync(InProcessAmoHub hub)
    {
        var document = await hub.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var operations = new List<Operation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject())
            {
                var parameters = method.Value.TryGetProperty("parameters", out var list)
                    ? list.EnumerateArray().Select(p => (Name: p.GetProperty("name").GetString()!, In: p.GetProperty("in").GetString()!)).ToList()
                    : [];
                var properties = new List<string>();
                if (method.Value.TryGetProperty("requestBody", out var body)
                    && body.GetProperty("content").TryGetProperty("application/json", out var json)
                    && Resolve(document, json.GetProperty("schema")) is { } schema
                    && schema.TryGetProperty("properties", out var props))
                {
                    properties.AddRange(props.EnumerateObject().Select(p => p.Name));
                }

                operations.Add(new Operation(method.Name.ToUpperInvariant(), path.Name, parameters, properties, method.Value.TryGetProperty("requestBody", out _)));
            }
        }

        return operations;
    }

    private static JsonElement? Resolve(JsonElement document, JsonElement schema)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var node = document;
            foreach (var part in reference.GetString()!.TrimStart('#', '/').Split('/'))
            {
                node = node.GetProperty(part);
            }

            return node;
        }

        return schema;
    }

    private static Fuzz Case(Operation operation, string secret, Random random)
    {
        var path = operation.Path;
        var query = new List<string>();
        foreach (var (name, location) in operation.Parameters)
        {
            // A DELETE never names the real account, which would unsubscribe or remove the account under test.
            var value = location == "path" && name == "secret"
                ? (random.Next(4) == 0 ? Pick(random, JunkValues) : secret)
                : operation.Method != "DELETE" && random.Next(3) == 0 ? Account : Pick(random, JunkValues);
            if (operation.Method == "DELETE" && (value.Trim().Length == 0 || value.Trim().Equals(Account, StringComparison.OrdinalIgnoreCase)))
            {
                value = "bench-does-not-exist";
            }

            if (location == "path")
            {
                // Kestrel refuses a NUL in the request line itself (400 without a body) before any endpoint runs.
                value = value.Replace("\u0000", "%00", StringComparison.Ordinal);
                path = path.Replace("{" + name + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
            }
            else if (location == "query" && random.Next(4) != 0)
            {
                query.Add($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}");
            }
        }

        if (operation.Method == "DELETE" && operation.Parameters.All(p => p.Name != "account") && !operation.Path.Contains('{', StringComparison.Ordinal))
        {
            query.Add("account=bench-does-not-exist");
        }

        var uri = path + (query.Count > 0 ? "?" + string.Join("&", query) : "");
        if (operation.Path == "/webhooks/amocrm/{secret}")
        {
            return new Fuzz(operation.Method, uri, FormBody(random), WithCharset("application/x-www-form-urlencoded", random));
        }

        if (!operation.HasBody)
        {
            return new Fuzz(operation.Method, uri, null, null);
        }

        return random.Next(12) switch
        {
            0 => new Fuzz(operation.Method, uri, Encoding.UTF8.GetBytes(JsonBody(operation, random)), "text/plain"),
            1 => new Fuzz(operation.Method, uri, FormBody(random), WithCharset("application/x-www-form-urlencoded", random)),
            _ => new Fuzz(operation.Method, uri, JsonBytes(operation, random), WithCharset("application/json", random)),
        };
    }

    /// <summary>The media type, a sixth of the time with a charset AmoHub may or may not read.</summary>
    private static string WithCharset(string mediaType, Random random) =>
        random.Next(6) == 0 ? $"{mediaType}; charset={OddCharsets[random.Next(OddCharsets.Length)]}" : mediaType;

    private static byte[] JsonBytes(Operation operation, Random random)
    {
        var text = JsonBody(operation, random);
        var bytes = Encoding.UTF8.GetBytes(text);
        switch (random.Next(10))
        {
            case 0:
                // Bad UTF-8: a lone continuation byte, an overlong form, a truncated sequence, 0xFF.
                var at = random.Next(bytes.Length + 1);
                byte[][] bad = [[0x80], [0xC0, 0xAF], [0xE2, 0x82], [0xFF], [0xED, 0xA0, 0x80]];
                return [.. bytes[..at], .. bad[random.Next(bad.Length)], .. bytes[at..]];
            case 1:
                return bytes[..random.Next(bytes.Length + 1)];
            default:
                return bytes;
        }
    }

    private static string JsonBody(Operation operation, Random random)
    {
        switch (random.Next(14))
        {
            case 0:
                string[] broken = ["", "{", "}", "[", "nul", "{\"name\":}", "{\"name\":\"a\",}", "{'name':'a'}", "\"text\"", "42", "[]", "null", "{\"a\":1}{\"b\":2}", "\uFEFF{}"];
                return Pick(random, broken);
            case 1:
                return new string('[', 10_000) + new string(']', 10_000);
            case 2:
                return "{\"" + Pick(random, operation.Properties.DefaultIfEmpty("name").ToArray()) + "\":\"" + new string('я', 1_500_000) + "\"}";
            default:
                var body = new JsonObject();
                foreach (var property in operation.Properties)
                {
                    if (random.Next(4) != 0)
                    {
                        body[property] = Value(property, random);
                    }
                }

                if (random.Next(3) == 0)
                {
                    body[Pick(random, ["unknown", "Name", "NAME", "__proto__", "$type", "phone ", ""])] = Value("x", random);
                }

                return body.ToJsonString();
        }
    }

    private static JsonNode? Value(string property, Random random) => random.Next(10) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(2) == 0 ? long.MaxValue : -1),
        2 => JsonValue.Create(1.5e300),
        3 => JsonValue.Create(true),
        4 => new JsonArray(JsonValue.Create("a"), JsonValue.Create(1)),
        5 => new JsonObject { ["nested"] = JsonValue.Create("x") },
        6 or 7 when property.Contains("phone", StringComparison.OrdinalIgnoreCase) => JsonValue.Create(Pick(random, OddPhones)),
        6 or 7 when property.Contains("url", StringComparison.OrdinalIgnoreCase) => JsonValue.Create(Pick(random, ["ftp://x", "javascript:alert(1)", "//x", "http://", "http://[::1", "relative/path"])),
        _ => JsonValue.Create(Pick(random, [.. JunkValues, .. OddPhones])),
    };

    /// <summary>An amoCRM-style delivery, broken in one of many ways.</summary>
    private static byte[] FormBody(Random random)
    {
        var fields = new List<(string Key, string Value)>
        {
            ("contacts[update][0][id]", "101"),
            ("contacts[update][0][name]", "Fuzz"),
            ("contacts[update][0][custom_fields][0][code]", "PHONE"),
            ("contacts[update][0][custom_fields][0][values][0][value]", "+79031234567"),
            ("leads[status][0][id]", "202"),
            ("leads[status][0][status_id]", "1000012"),
            ("account[subdomain]", Account),
        };
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            var index = random.Next(fields.Count);
            var (key, value) = fields[index];
            fields[index] = random.Next(9) switch
            {
                0 => (key.Replace("[0]", Pick(random, ["[-1]", "[٠]", "[１]", "[999999]", "[]", "[0", "[00000000000000000000001]"]), StringComparison.Ordinal), value),
                1 => (key.Replace("[values][0]", Pick(random, ["[values][٣]", "[values][-1]", "[values][]"]), StringComparison.Ordinal)
                    .Replace("[custom_fields][0]", Pick(random, ["[custom_fields][٢]", "[custom_fields][99999]", "[custom_fields][0]"]), StringComparison.Ordinal), value),
                2 => (key, Pick(random, JunkValues)),
                3 => (key, Pick(random, OddPhones)),
                4 => (key + Pick(random, ["[x]", "]", "[", "[[id]]"]), value),
                5 => (Pick(random, ["", "=", "&", "%", "contacts", "contacts[add]", "leads[delete][0][id]", "account[id]"]), value),
                6 => (key, new string('9', 100_000)),
                7 => (key.Replace("update", Pick(random, ["add", "delete", "status", "restore", "UPDATE"]), StringComparison.Ordinal), value),
                _ => (key, value),
            };
        }

        if (random.Next(6) == 0)
        {
            // The same index spelled another way in every key, so the delivery stays consistent.
            var spelling = Pick(random, ["[٢]", "[１]", "[00]", "[+1]", "[ 1]", "[1 ]"]);
            var (from, to) = random.Next(2) == 0 ? ("[0]", spelling) : ("[custom_fields][0]", "[custom_fields]" + spelling);
            fields = fields.Select(f => (f.Key.Replace(from, to, StringComparison.Ordinal), f.Value)).ToList();
        }

        if (random.Next(8) == 0)
        {
            fields.AddRange(Enumerable.Range(0, 600).Select(i => (string.Create(CultureInfo.InvariantCulture, $"contacts[add][{i}][id]"), i.ToString(CultureInfo.InvariantCulture))));
        }

        var text = string.Join("&", fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));
        var bytes = Encoding.UTF8.GetBytes(random.Next(6) switch
        {
            0 => text.Replace("%5B", "[", StringComparison.Ordinal).Replace("%5D", "]", StringComparison.Ordinal) + "&%zz=%E0%A4%A&x=%",
            1 => text + "&broken=%C3%28%FF",
            _ => text,
        });
        return random.Next(10) == 0 ? [.. bytes, 0xFF, 0xFE, 0x80] : bytes;
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];

    private static async Task<Answer> SendAsync(HttpClient http, Fuzz fuzz)
    {
        using var request = new HttpRequestMessage(new HttpMethod(fuzz.Method), fuzz.Uri);
        if (fuzz.Body is not null)
        {
            request.Content = new ByteArrayContent(fuzz.Body);
            // Sent as written, odd charsets and all: the client's own parser would refuse some of them.
            request.Content.Headers.TryAddWithoutValidation("Content-Type", fuzz.ContentType);

            // A body over AmoHub's size limit is refused before it is read; asking first, as a careful client does,
            // lets the 413 arrive instead of a connection reset in the middle of the upload.
            request.Headers.ExpectContinue = fuzz.Body.Length > 64 * 1024;
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var body = mediaType == "text/event-stream" ? "" : await response.Content.ReadAsStringAsync();
        return new Answer(response.StatusCode, mediaType, body.Length > 400 ? body[..400] : body);
    }

    private static string? Check(Fuzz fuzz, Answer answer) =>
        (int)answer.Status >= 500
            ? $"{fuzz} → {(int)answer.Status}: {answer.Body}"
            : (int)answer.Status >= 400 && answer.MediaType != "application/problem+json"
                ? $"{fuzz} → {(int)answer.Status} as {answer.MediaType ?? "no content type"}: {answer.Body}"
                : null;

    /// <summary>What AmoHub and amoCRM hold: rows of every table a request can write to, and the sandbox's entities.</summary>
    private static async Task<string> CountsAsync(InProcessAmoHub hub)
    {
        var tables = new[] { "contacts", "contact_phones", "leads", "webhook_inbox", "incidents", "incident_notes", "OrleansGrainState" };
        var database = await hub.Database.ScalarAsync("SELECT " + string.Join(" * 1000000 + ", tables.Select(t => $"(SELECT COUNT(*) FROM {t})")));
        var sandbox = hub.Sandbox.Sandbox;
        return string.Create(CultureInfo.InvariantCulture,
            $"rows {database}, amoCRM contacts {sandbox.GetContacts(Account).Count}, leads {sandbox.GetLeads(Account).Count}, webhooks {sandbox.GetWebhooks(Account).Count}");
    }

    /// <summary>Waits until an accepted delivery has been applied, so its writes do not land during a later case.</summary>
    private static async Task SettleAsync(InProcessAmoHub hub) =>
        await Eventually.MatchAsync(
            () => hub.Database.ScalarAsync("SELECT COUNT(*) FROM webhook_inbox WHERE applied_at IS NULL"),
            pending => pending == 0,
            TimeSpan.FromSeconds(30),
            "accepted webhook deliveries to be applied");

    private sealed record Operation(string Method, string Path, List<(string Name, string In)> Parameters, List<string> Properties, bool HasBody);

    private sealed record Fuzz(string Method, string Uri, byte[]? Body, string? ContentType)
    {
        public override string ToString()
        {
            var body = Body is null ? "" : Encoding.UTF8.GetString(Body);
            return $"{Method} {(Uri.Length > 200 ? Uri[..200] + "…" : Uri)} [{ContentType}] {(body.Length > 200 ? body[..200] + "…" : body)}";
        }
    }

    private sealed record Answer(HttpStatusCode Status, string? MediaType, string Body);
}
