using System.Net;
using AmoHub.Sandbox.Tests.Infrastructure;

namespace AmoHub.Sandbox.Tests;

/// <summary>Common notes on leads and contacts: added in batches, listed per entity and for all, refused as amoCRM refuses them.</summary>
public sealed class NoteTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Notes_added_by_entity_id_or_on_the_lead_route_are_listed_per_lead_and_for_all_leads()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var first = fixture.Sandbox.CreateLeadAsUser(account, "Первая");
        var second = fixture.Sandbox.CreateLeadAsUser(account, "Вторая");

        using var batch = await client.PostJsonAsync("api/v4/leads/notes", $$$"""
            [{"entity_id":{{{first.Id}}},"note_type":"common","params":{"text":"Заявка с сайта: перезвонить"},"request_id":"n1"},
             {"entity_id":{{{second.Id}}},"note_type":"common","params":{"text":"Вторая заметка"}}]
            """);
        using var onRoute = await client.PostJsonAsync($"api/v4/leads/{first.Id}/notes", """[{"note_type":"common","params":{"text":"Ещё одна"}}]""");
        using var ofFirst = await client.GetAsync($"api/v4/leads/{first.Id}/notes");
        using var ofAll = await client.GetAsync("api/v4/leads/notes");

        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        var results = (await batch.ReadJsonAsync()).GetProperty("_embedded").GetProperty("notes").EnumerateArray().ToList();
        Assert.Equal([(first.Id, "n1"), (second.Id, "1")], results.Select(note => (note.GetProperty("entity_id").GetInt64(), note.GetProperty("request_id").GetString())));
        Assert.Equal(HttpStatusCode.OK, onRoute.StatusCode);
        var stored = fixture.Sandbox.GetNotes(account, first.Id);
        Assert.Equal(["Заявка с сайта: перезвонить", "Ещё одна"], stored.Select(note => note.Text));
        Assert.Equal(results[0].GetProperty("id").GetInt64(), stored[0].Id);
        var listed = (await ofFirst.ReadJsonAsync()).GetProperty("_embedded").GetProperty("notes").EnumerateArray().ToList();
        Assert.Equal(stored.Select(note => note.Id), listed.Select(note => note.GetProperty("id").GetInt64()));
        var note = listed[0];
        Assert.Equal(first.Id, note.GetProperty("entity_id").GetInt64());
        Assert.Equal("common", note.GetProperty("note_type").GetString());
        Assert.Equal("Заявка с сайта: перезвонить", note.GetProperty("params").GetProperty("text").GetString());
        Assert.Equal(stored[0].CreatedAt, note.GetProperty("created_at").GetInt64());
        Assert.Equal(note.GetProperty("created_at").GetInt64(), note.GetProperty("updated_at").GetInt64());
        Assert.Equal(note.GetProperty("created_by").GetInt64(), note.GetProperty("updated_by").GetInt64());
        Assert.True(note.GetProperty("responsible_user_id").GetInt64() > 0);
        Assert.Equal(0, note.GetProperty("group_id").GetInt64());
        Assert.Equal(fixture.Sandbox.GetAccount(account).Id, note.GetProperty("account_id").GetInt64());
        var self = note.GetProperty("_links").GetProperty("self").GetProperty("href").GetString()!;
        Assert.EndsWith($"/api/v4/leads/{first.Id}/notes/{stored[0].Id}", self, StringComparison.Ordinal);
        using var single = await client.GetAsync(new Uri(self));
        Assert.Equal(stored[0].Id, (await single.ReadJsonAsync()).GetProperty("id").GetInt64());
        Assert.Equal(3, (await ofAll.ReadJsonAsync()).GetProperty("_embedded").GetProperty("notes").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"entity_id":1,"note_type":"common","params":{"text":"x"}}""", "entity_id", "NotFound")]
    [InlineData("""{"note_type":"common","params":{"text":"x"}}""", "entity_id", "NotBlank")]
    [InlineData("""{"entity_id":"{lead}","note_type":"call_in","params":{"text":"x"}}""", "note_type", "NotSupportedChoice")]
    [InlineData("""{"entity_id":"{lead}","params":{"text":"x"}}""", "note_type", "NotBlank")]
    [InlineData("""{"entity_id":"{lead}","note_type":"common","params":{"text":"  "}}""", "params.text", "NotBlank")]
    [InlineData("""{"entity_id":"{lead}","note_type":"common"}""", "params.text", "NotBlank")]
    public async Task A_note_amocrm_would_refuse_answers_400_naming_its_path_and_adds_nothing(string note, string path, string code)
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var lead = fixture.Sandbox.CreateLeadAsUser(account, "Сделка");
        var good = $$$"""{"entity_id":{{{lead.Id}}},"note_type":"common","params":{"text":"Хорошая"}}""";

        using var response = await client.PostJsonAsync("api/v4/leads/notes", $"[{good},{note.Replace("\"{lead}\"", lead.Id.Text(), StringComparison.Ordinal)}]");
        using var listed = await client.GetAsync("api/v4/leads/notes");

        await Refusal.AssertAsync(response, "1", path, code);
        Assert.Empty(fixture.Sandbox.GetNotes(account, lead.Id));
        Assert.Equal(HttpStatusCode.NoContent, listed.StatusCode);
    }

    [Fact]
    public async Task More_than_250_notes_in_one_request_answer_400()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var lead = fixture.Sandbox.CreateLeadAsUser(account, "Сделка");

        using var response = await client.PostJsonAsync(
            $"api/v4/leads/{lead.Id}/notes", $"[{string.Join(',', Enumerable.Repeat("""{"note_type":"common","params":{"text":"x"}}""", 251))}]");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(fixture.Sandbox.GetNotes(account, lead.Id));
    }

    [Fact]
    public async Task Contacts_have_notes_of_their_own_listed_in_pages()
    {
        var account = SandboxFixture.NewAccount();
        using var client = fixture.Client(account);
        var contact = fixture.Sandbox.CreateContactAsUser(account, "Анна");

        using var added = await client.PostJsonAsync(
            $"api/v4/contacts/{contact.Id}/notes",
            """[{"note_type":"common","params":{"text":"a"}},{"note_type":"common","params":{"text":"b"}},{"note_type":"common","params":{"text":"c"}}]""");
        using var first = await client.GetAsync($"api/v4/contacts/{contact.Id}/notes?limit=2");
        using var second = await client.GetAsync($"api/v4/contacts/{contact.Id}/notes?limit=2&page=2");
        using var onLeads = await client.GetAsync("api/v4/leads/notes");

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal(["a", "b", "c"], fixture.Sandbox.GetNotes(account, contact.Id, SandboxEntityType.Contacts).Select(note => note.Text));
        Assert.Empty(fixture.Sandbox.GetNotes(account, contact.Id));
        var firstBody = await first.ReadJsonAsync();
        Assert.Equal(2, firstBody.GetProperty("_embedded").GetProperty("notes").GetArrayLength());
        Assert.Contains("page=2", firstBody.GetProperty("_links").GetProperty("next").GetProperty("href").GetString(), StringComparison.Ordinal);
        Assert.Equal("c", (await second.ReadJsonAsync()).GetProperty("_embedded").GetProperty("notes")[0].GetProperty("params").GetProperty("text").GetString());
        Assert.Equal(HttpStatusCode.NoContent, onLeads.StatusCode);
    }
}
