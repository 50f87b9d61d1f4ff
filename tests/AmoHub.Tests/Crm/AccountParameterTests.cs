using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.Tests.Infrastructure;

namespace AmoHub.Tests.Crm;

public sealed class AccountParameterTests
{
    [Fact]
    public async Task The_account_parameter_may_be_left_out_with_one_account_and_is_checked_when_given()
    {
        await using var hub = await InProcessAmoHub.StartAsync(StorageProvider.Sqlite);

        using var implicitAccount = await hub.Http.GetAsync("/api/contacts");
        using var unknown = await hub.Http.GetAsync("/api/contacts?account=nobody");
        using var malformed = await hub.Http.PostAsJsonAsync("/api/contacts?account=not_a%20subdomain", new { name = "Иван", phone = "+79031234567" });

        Assert.Equal(HttpStatusCode.OK, implicitAccount.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.True((await malformed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("account", out _));
        Assert.Empty(hub.Sandbox.Sandbox.GetContacts("sandbox"));
    }
}
