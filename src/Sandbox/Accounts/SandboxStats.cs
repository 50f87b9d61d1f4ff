using AmoHub.Sandbox.Faults;

namespace AmoHub.Sandbox.Accounts;

/// <summary>What happened to one sandbox account since it came into existence.</summary>
/// <param name="Requests">Every <c>/api/v4</c> request that arrived, answered or not.</param>
/// <param name="TooManyRequests">Requests answered 429 by the rate limit.</param>
/// <param name="Forbidden">Requests answered 403 because the account was blocked.</param>
/// <param name="Unauthorized">Requests answered 401: no, unknown or expired access token.</param>
/// <param name="Refreshes">Successful <c>refresh_token</c> grants.</param>
/// <param name="RevokedRefreshes">Refresh tokens presented a second time and refused as revoked.</param>
/// <param name="ContactsCreated">Contacts created, through the API or as a user (seeded ones are not counted).</param>
/// <param name="ContactsUpdated">Contact updates, through the API or as a user.</param>
/// <param name="ContactsDeleted">Contacts deleted as a user.</param>
/// <param name="LeadsCreated">Leads created, through the API or as a user (seeded ones are not counted).</param>
/// <param name="LeadsUpdated">Lead updates, through the API or as a user.</param>
/// <param name="LeadsDeleted">Leads deleted as a user.</param>
/// <param name="WebhookAttempts">Webhook delivery attempts, retries included.</param>
/// <param name="WebhookFailures">Attempts that failed: not 2xx, an error or no answer in time.</param>
/// <param name="Blocked">Whether the account is blocked now.</param>
/// <param name="ContactPages">Pages of live contacts served by the list without a search: what a reader of the whole account spends.</param>
/// <param name="ComplexAdds">Complex add requests (<c>POST api/v4/leads/complex</c>) that made their leads.</param>
public sealed record SandboxStats(
    long Requests,
    long TooManyRequests,
    long Forbidden,
    long Unauthorized,
    long Refreshes,
    long RevokedRefreshes,
    long ContactsCreated,
    long ContactsUpdated,
    long ContactsDeleted,
    long LeadsCreated,
    long LeadsUpdated,
    long LeadsDeleted,
    long WebhookAttempts,
    long WebhookFailures,
    bool Blocked,
    long ContactPages,
    long ComplexAdds);

/// <summary>Who a sandbox account is.</summary>
/// <param name="Id">The account id amoCRM would report (<c>account[id]</c> in webhooks).</param>
/// <param name="Subdomain">The first path segment of its URLs.</param>
/// <param name="Name">Its display name.</param>
/// <param name="Blocked">Whether repeated 429s have blocked it.</param>
/// <param name="Unpaid">Whether its subscription has ended, so its API answers 402.</param>
/// <param name="Fault">The faults switched on for it.</param>
public sealed record SandboxAccountInfo(long Id, string Subdomain, string Name, bool Blocked, bool Unpaid, SandboxFault Fault);
