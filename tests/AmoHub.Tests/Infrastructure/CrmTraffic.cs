using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.Sandbox;

namespace AmoHub.Tests.Infrastructure;

/// <summary>
/// Steady CRM traffic against a WebApi while a test disturbs the cluster: API creates of contacts and leads, and
/// people editing amoCRM, whose webhook deliveries reach the WebApi. Records every request AmoHub accepted (2xx),
/// then checks each is in the read model and in amoCRM exactly once.
/// </summary>
public sealed partial class CrmTraffic : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly SandboxServer _amoCrm;
    private readonly string _account;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<(string Phone, long AmocrmId)> _contacts = [];
    private readonly ConcurrentBag<(string Name, long AmocrmId)> _leads = [];
    private readonly ConcurrentBag<long> _userContacts = [];
    private readonly ConcurrentDictionary<string, int> _refused = new();
    private readonly List<Task> _workers = [];
    private int _sequence;

    private CrmTraffic(Uri webApi, SandboxServer amoCrm, string account)
    {
        _http = new HttpClient { BaseAddress = webApi, Timeout = TimeSpan.FromSeconds(30) };
        _amoCrm = amoCrm;
        _account = account;
    }

    /// <summary>Requests that AmoHub accepted so far.</summary>
    public int Accepted => _contacts.Count + _leads.Count;

    /// <summary>Webhook deliveries the WebApi accepted so far.</summary>
    public int DeliveriesAccepted => _amoCrm.Sandbox.GetDeliveries(_account).Count(delivery => delivery.Succeeded);

    /// <summary>Requests answered other than 2xx or not answered, by status, for the report.</summary>
    public string Refused => string.Join(", ", _refused.Select(pair => $"{pair.Key}: {pair.Value}"));

    /// <summary>Starts API workers and an amoCRM user; stops them on <see cref="StopAsync"/>.</summary>
    public static CrmTraffic Start(Uri webApi, SandboxServer amoCrm, string account, int apiWorkers = 2)
    {
        var traffic = new CrmTraffic(webApi, amoCrm, account);
        for (var i = 0; i < apiWorkers; i++)
        {
            traffic._workers.Add(Task.Run(traffic.ApiWorkerAsync));
        }

        traffic._workers.Add(Task.Run(traffic.AmoCrmUserAsync));
        return traffic;
    }

    /// <summary>Stops the traffic and waits for requests under way.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
    }

    /// <summary>
    /// Every accepted API create and every contact carried by an accepted webhook delivery is in the read model,
    /// and amoCRM holds each exactly once.
    /// </summary>
    public async Task AssertNothingLostAsync(TestDatabase database, TimeSpan timeout)
    {
        var contacts = _contacts.ToList();
        var leads = _leads.ToList();
        var amoContacts = _amoCrm.Sandbox.GetContacts(_account);
        var amoLeads = _amoCrm.Sandbox.GetLeads(_account);
        foreach (var (phone, id) in contacts)
        {
            var digits = Digits(phone);
            var matches = amoContacts.Where(contact => contact.Phones.Any(p => Digits(p.Value).EndsWith(digits[1..], StringComparison.Ordinal))).ToList();
            Assert.True(matches.Count == 1 && matches[0].Id == id, $"amoCRM holds {matches.Count} contacts with accepted phone {phone} (AmoHub answered id {id})");
        }

        foreach (var (name, id) in leads)
        {
            var matches = amoLeads.Where(lead => lead.Name == name).ToList();
            Assert.True(matches.Count == 1 && matches[0].Id == id, $"amoCRM holds {matches.Count} leads named {name} (AmoHub answered id {id})");
        }

        // amoCRM retries a delivery the WebApi did not accept; every change people made must get through.
        var userContacts = _userContacts.ToHashSet();
        var delivered = await Eventually.MatchAsync(
            () => Task.FromResult(DeliveredContactIds()),
            ids => userContacts.IsSubsetOf(ids),
            timeout,
            $"the {userContacts.Count} contacts people made in amoCRM to be delivered to AmoHub");

        var expectedContacts = contacts.Select(contact => contact.AmocrmId).Concat(delivered).Distinct().ToList();
        var leadIds = leads.Select(lead => lead.AmocrmId).ToList();
        await Eventually.MatchAsync(
            async () => new Missing(await MissingAsync(database, "contacts", expectedContacts), await MissingAsync(database, "leads", leadIds)),
            missing => missing.Contacts.Count == 0 && missing.Leads.Count == 0,
            timeout,
            $"{expectedContacts.Count} accepted contacts and {leadIds.Count} accepted leads in the read model");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
        _http.Dispose();
    }

    private HashSet<long> DeliveredContactIds() => _amoCrm.Sandbox.GetDeliveries(_account)
        .Where(delivery => delivery.Succeeded)
        .SelectMany(delivery => delivery.Form)
        .Where(field => AddedContactId().IsMatch(field.Key))
        .Select(field => long.Parse(field.Value, CultureInfo.InvariantCulture))
        .ToHashSet();

    private async Task<List<long>> MissingAsync(TestDatabase database, string table, IReadOnlyList<long> ids)
    {
        var missing = new List<long>();
        foreach (var chunk in ids.Chunk(200))
        {
            await using var connection = await database.Database.OpenAsync(CancellationToken.None);
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT amocrm_id, COUNT(*) FROM {table} WHERE account = '{_account}' AND amocrm_id IN ({string.Join(",", chunk)}) GROUP BY amocrm_id";
            var found = new Dictionary<long, long>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    found[Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture)] = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
                }
            }

            missing.AddRange(chunk.Where(id => found.GetValueOrDefault(id) != 1));
        }

        return missing;
    }

    private async Task ApiWorkerAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var n = Interlocked.Increment(ref _sequence);
            var phone = $"+7 916 {n / 10_000 % 1000:000}-{n % 10_000 / 100:00}-{n % 100:00}";
            if (n % 3 == 0)
            {
                var name = $"Сделка {n}";
                await SendAsync("/api/leads", new { name, contactPhone = phone, contactName = $"Клиент {n}" }, id => _leads.Add((name, id)));
            }
            else
            {
                await SendAsync("/api/contacts", new { name = $"Контакт {n}", phone }, id => _contacts.Add((phone, id)));
            }
        }
    }

    private async Task SendAsync(string path, object body, Action<long> accepted)
    {
        try
        {
            using var response = await _http.PostAsJsonAsync(path, body);
            if (response.StatusCode == System.Net.HttpStatusCode.Accepted)
            {
                // Stored to be made once amoCRM answers in time again: no id to follow yet, counted apart.
                _refused.AddOrUpdate("202 stored", 1, (_, count) => count + 1);
            }
            else if (response.IsSuccessStatusCode)
            {
                accepted((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("amocrmId").GetInt64());
            }
            else
            {
                _refused.AddOrUpdate(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), 1, (_, count) => count + 1);
                await Task.Delay(200);
            }
        }
        catch (HttpRequestException exception)
        {
            _refused.AddOrUpdate(exception.GetType().Name, 1, (_, count) => count + 1);
            await Task.Delay(200);
        }
        catch (TaskCanceledException)
        {
            // HttpClient's own timeout: the request was neither accepted nor refused.
            _refused.AddOrUpdate("timeout", 1, (_, count) => count + 1);
        }
    }

    private async Task AmoCrmUserAsync()
    {
        var n = 0;
        while (!_stop.IsCancellationRequested)
        {
            n++;
            var contact = _amoCrm.Sandbox.CreateContactAsUser(_account, $"Из amoCRM {n}", [$"+7 917 {n / 10_000 % 1000:000}-{n % 10_000 / 100:00}-{n % 100:00}"]);
            _userContacts.Add(contact.Id);
            try
            {
                await Task.Delay(300, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private sealed record Missing(IReadOnlyList<long> Contacts, IReadOnlyList<long> Leads)
    {
        public override string ToString() =>
            $"missing {Contacts.Count} contacts [{string.Join(", ", Contacts.Take(10))}] and {Leads.Count} leads [{string.Join(", ", Leads.Take(10))}]";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^contacts\[add\]\[\d+\]\[id\]$")]
    private static partial System.Text.RegularExpressions.Regex AddedContactId();

    private static string Digits(string phone) => new(phone.Where(char.IsAsciiDigit).ToArray());
}
