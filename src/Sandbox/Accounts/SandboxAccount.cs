using AmoHub.Sandbox.Faults;
using AmoHub.Sandbox.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AmoHub.Sandbox.Accounts;

/// <summary>
/// One emulated amoCRM account: its entities, tokens, webhooks, limits and faults. Every member is thread-safe:
/// state changes under one lock per account, and readers get immutable snapshots.
/// </summary>
internal sealed partial class SandboxAccount
{
    /// <summary>The user the integration acts as (<c>current_user_id</c>).</summary>
    public const long ApiUserId = 8_000_001;

    /// <summary>The person who edits data in the web UI (the control surface's "as user").</summary>
    public const long UiUserId = 8_000_002;

    private const long RateWindowMilliseconds = 1_000;
    private const long BlockWindowMilliseconds = 60_000;

    private readonly Lock _lock = new();
    private readonly SandboxSettings _settings;
    private readonly string _longLivedToken;
    private readonly WebhookDispatcher _dispatcher;
    private readonly ILogger _logger;
    private readonly Queue<long> _admitted = new();
    private readonly Queue<long> _rejected = new();
    private SandboxFault _fault = SandboxFault.None;
    private int _pageCap = ListQuery.MaxLimit;
    private bool _blocked;
    private bool _unpaid;
    private long _requests;
    private long _tooManyRequests;
    private long _forbidden;
    private long _unauthorized;

    public SandboxAccount(long id, string subdomain, SandboxSettings settings, string longLivedToken, WebhookDispatcher dispatcher, ILogger logger)
    {
        Id = id;
        Subdomain = subdomain;
        Path = $"{settings.Url.AbsolutePath}{subdomain}/";
        CreatedAt = Now();
        _settings = settings;
        _longLivedToken = longLivedToken;
        _dispatcher = dispatcher;
        _logger = logger;
    }

    /// <summary>What an <c>/api/v4</c> request meets at the door.</summary>
    public enum Admission
    {
        /// <summary>It may go on.</summary>
        Admitted,

        /// <summary>429: more than the allowed requests in the last second.</summary>
        TooManyRequests,

        /// <summary>403: the account is blocked.</summary>
        Blocked,
    }

    public long Id { get; }

    public string Subdomain { get; }

    public string Name => $"AmoHub sandbox {Subdomain}";

    /// <summary>
    /// The most items a list page holds, whatever <c>limit</c> asks (at most <see cref="ListQuery.MaxLimit"/>), as real
    /// accounts do: a client must follow <c>_links.next</c>, not stop at a short page.
    /// </summary>
    public int PageCap
    {
        get => Volatile.Read(ref _pageCap);
        set => Volatile.Write(ref _pageCap, value is >= 1 and <= ListQuery.MaxLimit
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"A page cap is 1 to {ListQuery.MaxLimit}."));
    }

    /// <summary>The account's path on the sandbox server, such as <c>/acme/</c>.</summary>
    public string Path { get; }

    public long CreatedAt { get; }

    public SandboxFault Fault
    {
        get
        {
            lock (_lock)
            {
                return _fault;
            }
        }

        set
        {
            value.Validate();
            lock (_lock)
            {
                _fault = value;
            }
        }
    }

    /// <summary>Whether the account's subscription has ended: every <c>/api/v4</c> call then answers 402 until it is paid.</summary>
    public bool Unpaid
    {
        get => Volatile.Read(ref _unpaid);
        set => Volatile.Write(ref _unpaid, value);
    }

    /// <summary>The account the <c>{sub}</c> route value names, created on first use.</summary>
    public static SandboxAccount Of(HttpContext context) =>
        context.RequestServices.GetRequiredService<AmoCrmSandbox>().Account((string)context.GetRouteValue(SubdomainName.RouteParameter)!);

    /// <summary>Lets endpoints take the account as a parameter.</summary>
    public static ValueTask<SandboxAccount?> BindAsync(HttpContext context) => ValueTask.FromResult<SandboxAccount?>(Of(context));

    public SandboxAccountInfo Info()
    {
        lock (_lock)
        {
            return new SandboxAccountInfo(Id, Subdomain, Name, _blocked, Unpaid, _fault);
        }
    }

    public SandboxStats Stats()
    {
        lock (_lock)
        {
            return new SandboxStats(
                _requests, _tooManyRequests, _forbidden, _unauthorized, _refreshes, _revokedRefreshes,
                _contactsCreated, _contactsUpdated, _contactsDeleted, _leadsCreated, _leadsUpdated, _leadsDeleted,
                _webhookAttempts, _webhookFailures, _blocked, _contactPages, _complexAdds);
        }
    }

    /// <summary>
    /// Counts an arriving <c>/api/v4</c> request against the sliding one-second window; too many 429s within a
    /// minute block the account.
    /// </summary>
    public Admission Admit()
    {
        var now = Environment.TickCount64;
        var blockedNow = false;
        try
        {
            lock (_lock)
            {
                _requests++;
                if (_blocked)
                {
                    _forbidden++;
                    return Admission.Blocked;
                }

                Trim(_admitted, now - RateWindowMilliseconds);
                if (_admitted.Count < _settings.RequestsPerSecond)
                {
                    _admitted.Enqueue(now);
                    return Admission.Admitted;
                }

                _tooManyRequests++;
                Trim(_rejected, now - BlockWindowMilliseconds);
                _rejected.Enqueue(now);
                if (_rejected.Count > _settings.BlockAfter429s)
                {
                    _blocked = blockedNow = true;
                }

                return Admission.TooManyRequests;
            }
        }
        finally
        {
            if (blockedNow)
            {
                SandboxLog.AccountBlocked(_logger, Subdomain, _settings.BlockAfter429s);
            }
        }
    }

    /// <summary>Lifts a block, as amoCRM support would, and forgets the 429s that led to it.</summary>
    public void Unblock()
    {
        lock (_lock)
        {
            _blocked = false;
            _rejected.Clear();
        }
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>The broken rules of every draft that broke any, each under its <c>request_id</c>.</summary>
    private static List<RequestErrors> Failures<T>(IEnumerable<T> drafts, Func<T, string> requestId, Func<T, IEnumerable<ValidationError>> errors) =>
        drafts
            .Select(draft => new RequestErrors(requestId(draft), errors(draft).ToList()))
            .Where(failure => failure.Errors.Count > 0)
            .ToList();

    private static void Trim(Queue<long> arrivals, long before)
    {
        while (arrivals.TryPeek(out var oldest) && oldest <= before)
        {
            arrivals.Dequeue();
        }
    }
}
