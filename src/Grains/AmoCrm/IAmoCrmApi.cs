using Refit;

namespace AmoHub.Grains.AmoCrm;

/// <summary>
/// amoCRM REST API v4, as far as AmoHub uses it. The HttpClient's base address is the account's base URL
/// (<c>https://{subdomain}.amocrm.ru/</c>); every method takes the bearer token it should send.
/// Answers are returned raw (<see cref="IApiResponse{T}"/>) so the caller maps 204, 401, 429 and problem bodies itself.
/// </summary>
public interface IAmoCrmApi
{
    [Get("/api/v4/account")]
    Task<IApiResponse<AmoAccount>> GetAccountAsync([Authorize] string token, CancellationToken cancellationToken);

    [Get("/api/v4/contacts")]
    Task<IApiResponse<HalList<ContactsEmbedded>>> ListContactsAsync(
        [Authorize] string token,
        int page,
        int limit,
        [AliasAs("filter[updated_at][from]")] long? updatedFrom,
        [AliasAs("order[updated_at]")] string? orderByUpdatedAt,
        [AliasAs("with")] string? include,
        CancellationToken cancellationToken);

    [Get("/api/v4/contacts")]
    Task<IApiResponse<HalList<ContactsEmbedded>>> SearchContactsAsync(
        [Authorize] string token, string query, int page, int limit, CancellationToken cancellationToken);

    [Get("/api/v4/contacts/{id}")]
    Task<IApiResponse<AmoContact>> GetContactAsync([Authorize] string token, long id, CancellationToken cancellationToken);

    [Post("/api/v4/contacts")]
    Task<IApiResponse<HalList<CreatedEmbedded>>> CreateContactsAsync(
        [Authorize] string token, [Body] IReadOnlyList<NewAmoContact> contacts, CancellationToken cancellationToken);

    [Get("/api/v4/leads")]
    Task<IApiResponse<HalList<LeadsEmbedded>>> ListLeadsAsync(
        [Authorize] string token,
        int page,
        int limit,
        [AliasAs("filter[updated_at][from]")] long? updatedFrom,
        [AliasAs("order[updated_at]")] string? orderByUpdatedAt,
        [AliasAs("with")] string? include,
        CancellationToken cancellationToken);

    [Get("/api/v4/leads")]
    Task<IApiResponse<HalList<LeadsEmbedded>>> SearchLeadsAsync(
        [Authorize] string token, string query, int page, int limit, [AliasAs("with")] string? include, CancellationToken cancellationToken);

    [Get("/api/v4/leads")]
    Task<IApiResponse<HalList<LeadsEmbedded>>> GetLeadsAsync(
        [Authorize] string token,
        [Query(CollectionFormat.Multi), AliasAs("filter[id][]")] IEnumerable<long> ids,
        [AliasAs("with")] string? include,
        CancellationToken cancellationToken);

    [Post("/api/v4/leads")]
    Task<IApiResponse<HalList<CreatedEmbedded>>> CreateLeadsAsync(
        [Authorize] string token, [Body] IReadOnlyList<NewAmoLead> leads, CancellationToken cancellationToken);

    /// <summary>Leads each with a new contact, up to 50 in one request; answered with a plain array, not HAL.</summary>
    [Post("/api/v4/leads/complex")]
    Task<IApiResponse<List<AmoComplexCreated>>> CreateLeadsComplexAsync(
        [Authorize] string token, [Body] IReadOnlyList<NewAmoLead> leads, CancellationToken cancellationToken);

    [Get("/api/v4/{entity}/custom_fields")]
    Task<IApiResponse<HalList<FieldDefinitionsEmbedded>>> ListFieldsAsync(
        [Authorize] string token, string entity, int page, int limit, CancellationToken cancellationToken);

    [Post("/api/v4/leads/notes")]
    Task<IApiResponse<object>> AddLeadNotesAsync([Authorize] string token, [Body] IReadOnlyList<NewAmoNote> notes, CancellationToken cancellationToken);

    [Get("/api/v4/leads/pipelines")]
    Task<IApiResponse<HalList<PipelinesEmbedded>>> ListPipelinesAsync([Authorize] string token, CancellationToken cancellationToken);

    [Patch("/api/v4/leads/{id}")]
    Task<IApiResponse<AmoLead>> UpdateLeadAsync([Authorize] string token, long id, [Body] LeadPatch patch, CancellationToken cancellationToken);

    [Patch("/api/v4/contacts/{id}")]
    Task<IApiResponse<AmoContact>> UpdateContactAsync([Authorize] string token, long id, [Body] ContactPatch patch, CancellationToken cancellationToken);

    [Get("/api/v4/webhooks")]
    Task<IApiResponse<HalList<WebhooksEmbedded>>> ListWebhooksAsync([Authorize] string token, CancellationToken cancellationToken);

    [Post("/api/v4/webhooks")]
    Task<IApiResponse<AmoWebhook>> SubscribeWebhookAsync(
        [Authorize] string token, [Body] WebhookSubscribeRequest request, CancellationToken cancellationToken);

    [Delete("/api/v4/webhooks")]
    Task<IApiResponse<object>> UnsubscribeWebhookAsync(
        [Authorize] string token, [Body] WebhookUnsubscribeRequest request, CancellationToken cancellationToken);

    [Post("/oauth2/access_token")]
    Task<IApiResponse<TokenResponse>> RequestTokenAsync([Body] TokenRequest request, CancellationToken cancellationToken);
}
