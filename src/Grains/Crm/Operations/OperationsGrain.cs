using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace AmoHub.Grains.Crm.Operations;

/// <summary>
/// An account's create requests (<see cref="IOperationsGrain"/>). While amoCRM answers, a request runs at once and
/// its caller gets the result. A request is stored first, and answered 202, when amoCRM failed the last time (down,
/// limiting, blocked, unauthorized), when requests wait already (so they stay in order), when the client prefers it,
/// or when amoCRM has not answered within <see cref="OperationSettings.MaxWait"/>; stored requests are then run in the
/// order they came, a window at a time, once amoCRM answers again, and a reminder brings the grain back after a
/// restart to finish them. A request with an <c>Idempotency-Key</c> is stored before it runs, with its answer.
/// </summary>
[Reentrant]
public sealed partial class OperationsGrain(
    OperationStore store,
    OperationCallbacks callbacks,
    IOptions<OperationSettings> settings,
    TimeProvider time,
    ILogger<OperationsGrain> logger) : Grain, IOperationsGrain, IRemindable
{
    /// <summary>How long an <c>Idempotency-Key</c> answers with its first request.</summary>
    public static readonly TimeSpan KeyLifetime = TimeSpan.FromHours(24);

    /// <summary>Finished operations are kept this long, for <c>/api/operations</c>; longer than a key lives.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    /// <summary>
    /// Runs of a stored request that failed on AmoHub's own parts after which it ends failed. With
    /// <see cref="RetryBackoff"/> between passes that is some minutes of tries: a failure a restart ends does not fail it.
    /// </summary>
    public const int MaxFailedRuns = 10;

    /// <summary>
    /// The reason of a request AmoHub could not run (<see cref="MaxFailedRuns"/>): API clients read it, so it says what
    /// to do, never the exception (that is logged).
    /// </summary>
    public const string CouldNotRun =
        "AmoHub could not run this request: it failed again and again on an error of AmoHub's own, which its operator finds in its log. Sending the request again is safe: nothing is made twice.";

    private const string ReminderName = "operations";

    /// <summary>
    /// Stored requests run together: the dedup locks batch their amoCRM searches and creates, so a window costs one
    /// sync and creates of up to 250 (<c>bench/README.md</c>, the drain scenario).
    /// </summary>
    private const int Window = 1000;

    private const int PurgeBatch = 5_000;

    /// <summary>The answer of a request with a field AmoHub refused (a pipeline, a status, a contact id).</summary>
    private const int BadRequest = 400;

    /// <summary>The answer of a request amoCRM refused.</summary>
    private const int BadGateway = 502;

    /// <summary>The answer of a request AmoHub could not run (<see cref="MaxFailedRuns"/>).</summary>
    private const int InternalError = 500;

    private readonly Dictionary<string, Task<Operation>> _running = new(StringComparer.Ordinal);
    private OperationsBacklog _backlog = new(0, null);
    private bool _unavailable;
    private Coalescer? _drain;
    private RetryBackoff? _backoff;
    private IGrainTimer? _callbackTimer;
    private DateTimeOffset? _callbackDue;
    private bool? _reminderRegistered;
    private DateTimeOffset _lastPurge;
    private Func<OperationsBacklog>? _metric;

    private string Account => GrainKeys.AccountOf(this.GetPrimaryKeyString());

    private SubmissionRunner Runner => new(GrainFactory);

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await store.RecoverRunningAsync(Account);
        _backlog = await store.BacklogAsync(Account);
        _metric = () => _backlog;
        OperationMetrics.Track(Account, _metric, time);
        StartDraining();
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_metric is not null)
        {
            OperationMetrics.Untrack(Account, _metric);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<SubmitOutcome> SubmitAsync(Submission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (submission.IdempotencyKey is { } key && await store.FindByKeyAsync(Account, key) is { } used)
        {
            if (used.Stored.Operation.CreatedAt > time.GetUtcNow() - KeyLifetime)
            {
                return await ReplayAsync(used.Stored, used.Fingerprint, submission.Fingerprint);
            }

            await store.ForgetKeyAsync(used.Stored.Seq);
        }

        var operation = new Operation(
            Guid.NewGuid().ToString("N"), submission.Kind, OperationStatus.Pending, Now(), null, null, null, false, null, null, null,
            OperationAnswer.None, submission.CallbackUrl);

        // A field the account does not take is refused now, stored nowhere, even when the request would wait. While
        // amoCRM cannot say (down, or not within MaxWait), it is checked when the request runs.
        if (!_unavailable && await CheckAsync(submission) is { } refusal)
        {
            return new SubmitOutcome(SubmitVerdict.Answer, Failed(operation, BadRequest, refusal.Field, refusal.Message) with
            {
                Id = null, Answered = OperationAnswer.Completed,
            });
        }

        if (submission.RespondAsync || _unavailable || _backlog.Pending > 0)
        {
            return await AcceptAsync(operation with { Answered = OperationAnswer.Accepted }, submission);
        }

        var stored = submission.IdempotencyKey is not null;
        if (stored && !await store.InsertAsync(Account, operation, submission, running: true))
        {
            return await ReplayRaceAsync(submission);
        }

        var run = RunAsync(operation, submission);
        if (stored)
        {
            _running[operation.Id!] = run;
        }

        using (var wait = new CancellationTokenSource())
        {
            await Task.WhenAny(run, Task.Delay(settings.Value.MaxWait, time, wait.Token));
            await wait.CancelAsync();
        }

        if (run.IsCompleted)
        {
            _running.Remove(operation.Id!);
            Operation finished;
            try
            {
                finished = await run;
            }
            catch (Exception exception) when (stored && exception is not OutOfMemoryException)
            {
                // AmoHub's own parts failed (its storage, a silo): the caller gets the error, and the stored request
                // waits, finished by the drain or answered 202 when its key comes again (or, should this write fail
                // too, made to wait when the grain next activates).
                await store.SetAnsweredAsync(operation.Id!, OperationAnswer.None);
                RetryLater(exception);
                throw;
            }

            if (finished.Status != OperationStatus.Pending)
            {
                var answered = finished with { Answered = OperationAnswer.Completed };
                if (stored)
                {
                    await store.CompleteAsync(answered);
                }

                return new SubmitOutcome(SubmitVerdict.Answer, stored ? answered : answered with { Id = null });
            }
        }

        // amoCRM did not take it (or not in time): the request is kept and finished later, by this run or the drain.
        var accepted = operation with { Answered = OperationAnswer.Accepted };
        if (stored)
        {
            await store.SetAnsweredAsync(operation.Id!, OperationAnswer.Accepted);
        }
        else if (!await store.InsertAsync(Account, accepted, submission))
        {
            throw new InvalidOperationException("A new operation id was taken.");
        }

        CountAccepted(operation);
        _running[operation.Id!] = run;
        _ = FinishLaterAsync(accepted, run);
        return new SubmitOutcome(SubmitVerdict.Answer, accepted);
    }

    /// <inheritdoc />
    public async Task<Operation?> GetAsync(string id) => (await store.GetAsync(Account, id))?.Operation;

    /// <inheritdoc />
    public Task<OperationPage> ListAsync(OperationStatus? status, int page, int pageSize) => store.ListAsync(Account, status, page, pageSize);

    /// <inheritdoc />
    public async Task<OperationsBacklog> GetBacklogAsync()
    {
        _backlog = await store.BacklogAsync(Account);
        return _backlog;
    }

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        StartDraining();
        return Task.CompletedTask;
    }

    /// <summary>Stores a request to run later and answers 202.</summary>
    private async Task<SubmitOutcome> AcceptAsync(Operation accepted, Submission submission)
    {
        if (!await store.InsertAsync(Account, accepted, submission))
        {
            return await ReplayRaceAsync(submission);
        }

        CountAccepted(accepted);
        await KeepReminderAsync();
        StartDraining();
        return new SubmitOutcome(SubmitVerdict.Answer, accepted);
    }

    /// <summary>
    /// Counts a request just stored to wait in the backlog kept here, which decides whether the next one waits too
    /// without a count of the table; every drain pass reads the table's count again.
    /// </summary>
    private void CountAccepted(Operation accepted) =>
        _backlog = _backlog with { Pending = _backlog.Pending + 1, OldestPendingSince = _backlog.OldestPendingSince ?? accepted.CreatedAt };

    /// <summary>Another request with the same key was stored between the look-up and the insert: answer as it is answered.</summary>
    private async Task<SubmitOutcome> ReplayRaceAsync(Submission submission)
    {
        var used = await store.FindByKeyAsync(Account, submission.IdempotencyKey!)
            ?? throw new InvalidOperationException("An idempotency key was refused as taken but is not stored.");
        return await ReplayAsync(used.Stored, used.Fingerprint, submission.Fingerprint);
    }

    /// <summary>
    /// The answer of the request a key was first used for: the same again, 409 for another request. A first request still
    /// running here is waited for (as long as a request may wait); one a stopped process never answered is answered 202
    /// from now on.
    /// </summary>
    private async Task<SubmitOutcome> ReplayAsync(StoredOperation used, string fingerprint, string submitted)
    {
        if (!string.Equals(fingerprint, submitted, StringComparison.Ordinal))
        {
            return new SubmitOutcome(SubmitVerdict.KeyReused, used.Operation);
        }

        if (used.Operation.Answered == OperationAnswer.None && _running.TryGetValue(used.Operation.Id!, out var first))
        {
            using var wait = new CancellationTokenSource();
            await Task.WhenAny(first, Task.Delay(settings.Value.MaxWait, time, wait.Token));
            await wait.CancelAsync();
            used = await store.GetAsync(Account, used.Operation.Id!) ?? used;
        }

        if (used.Operation.Answered == OperationAnswer.None)
        {
            await store.SetAnsweredAsync(used.Operation.Id!, OperationAnswer.Accepted);
            if (!_running.ContainsKey(used.Operation.Id!))
            {
                StartDraining();
            }

            return new SubmitOutcome(SubmitVerdict.Answer, used.Operation with { Answered = OperationAnswer.Accepted });
        }

        return new SubmitOutcome(SubmitVerdict.Answer, used.Operation);
    }

    /// <summary>What the account refuses in the submission, if it can say within <see cref="OperationSettings.MaxWait"/>.</summary>
    private async Task<InvalidFieldException?> CheckAsync(Submission submission)
    {
        var check = Runner.CheckAsync(Account, submission);
        using (var wait = new CancellationTokenSource())
        {
            await Task.WhenAny(check, Task.Delay(settings.Value.MaxWait, time, wait.Token));
            await wait.CancelAsync();
        }

        try
        {
            if (check.IsCompleted)
            {
                await check;
            }
            else
            {
                _ = check.ContinueWith(ended => ended.Exception, TaskScheduler.Current);
            }
        }
        catch (InvalidFieldException exception)
        {
            return exception;
        }
        catch (AmoCrmException)
        {
            _unavailable = true;
        }

        return null;
    }

    /// <summary>
    /// Runs a request: the operation done, failed (a field refused), or still pending with the reason amoCRM did not take
    /// it (down, limiting, blocked, unauthorized, unpaid: requests are stored from now on until one goes through).
    /// </summary>
    /// <exception cref="Exception">AmoHub's own parts failed (storage, a silo); the request is as it was.</exception>
    private async Task<Operation> RunAsync(Operation operation, Submission submission)
    {
        try
        {
            var (contact, lead, created) = await Runner.RunAsync(Account, submission);
            _unavailable = false;
            return operation with
            {
                Status = OperationStatus.Done, CompletedAt = Now(), Contact = contact, Lead = lead, Created = created, Reason = null,
            };
        }
        catch (InvalidFieldException exception)
        {
            return Failed(operation, BadRequest, exception.Field, exception.Message);
        }
        catch (AmoCrmException exception) when (exception.Failure == AmoCrmFailure.Invalid)
        {
            _unavailable = false;
            return Failed(operation, BadGateway, null, exception.Message);
        }
        catch (AmoCrmException exception)
        {
            _unavailable = true;
            LogHeld(logger, Account, operation.Id, exception.Failure);
            return operation with { Reason = exception.Message };
        }
    }

    private Operation Failed(Operation operation, int status, string? field, string reason) => operation with
    {
        Status = OperationStatus.Failed, CompletedAt = Now(), FailureStatus = status, FailureField = field, Reason = reason,
    };

    /// <summary>Now, to the millisecond the table keeps: an answer replayed from it reads the same as the first.</summary>
    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());

    /// <summary>Finishes a request answered 202 while its run goes on: records its end, or leaves it to the drain.</summary>
    private async Task FinishLaterAsync(Operation accepted, Task<Operation> run)
    {
        try
        {
            await SettleAsync(await run with { Answered = accepted.Answered });
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogDrainFailed(logger, exception, Account);
        }
        finally
        {
            _running.Remove(accepted.Id!);
            await KeepReminderAsync();
            StartDraining();
        }
    }

    /// <summary>Records what a run of a stored request came to: its end, or why it still waits.</summary>
    private async Task SettleAsync(Operation ran)
    {
        if (ran.Status == OperationStatus.Pending)
        {
            await store.HoldAsync(ran.Id!, ran.Reason);
        }
        else
        {
            await FinishAsync(ran);
        }
    }

    /// <summary>Records a stored request's end and sends its callback.</summary>
    private async Task FinishAsync(Operation finished)
    {
        await store.CompleteAsync(finished);
        OperationMetrics.CountFinished(Account, finished.Status);
        LogFinished(logger, Account, finished.Id, finished.Status);
        if (finished.CallbackUrl is not null)
        {
            await SendCallbackAsync(finished, attempt: 1);
        }
    }

    private async Task SendCallbackAsync(Operation operation, int attempt)
    {
        var delivered = await callbacks.SendAsync(Account, operation, attempt);
        var schedule = OperationCallbacks.RetrySchedule;
        DateTimeOffset? next = delivered || attempt > schedule.Count ? null : time.GetUtcNow() + schedule[attempt - 1];
        await store.CallbackAttemptedAsync(operation.Id!, attempt, next);
        if (next is { } due)
        {
            CallbackAt(due);
        }
        else if (!delivered)
        {
            LogCallbackAbandoned(logger, Account, operation.Id, attempt);
        }
    }

    /// <summary>Brings the next callback attempt at its time (the reminder is the fallback after a restart).</summary>
    private void CallbackAt(DateTimeOffset due)
    {
        if (_callbackDue is { } earlier && earlier <= due)
        {
            return;
        }

        _callbackDue = due;
        _callbackTimer?.Dispose();
        _callbackTimer = this.RegisterGrainTimer(() =>
        {
            _callbackDue = null;
            StartDraining();
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions(Max(due - time.GetUtcNow(), TimeSpan.Zero), Timeout.InfiniteTimeSpan) { KeepAlive = true });

        static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
    }

    /// <summary>Starts a pass, or has one more run after the pass in flight (it may have read the table before this).</summary>
    private void StartDraining()
    {
        _drain ??= new Coalescer(DrainPassAsync);
        _ = _drain.RunAsync();
    }

    /// <summary>
    /// Runs the stored requests in the order they came, a window at a time; stops at the first window amoCRM could not
    /// complete, or AmoHub's storage or cluster failed, and tries again later. A request whose run failed on AmoHub's own
    /// parts does not stop it: that request is tried again later (and ends failed after <see cref="MaxFailedRuns"/>), and
    /// the requests after it for the same phone, email or lead name wait behind it; the others go on. Then sends the
    /// callbacks that are due.
    /// </summary>
    private async Task DrainPassAsync()
    {
        try
        {
            var held = new HashSet<string>(StringComparer.Ordinal);
            var heldKeys = new HashSet<string>(StringComparer.Ordinal);
            while (true)
            {
                // After a failure one request goes first: while amoCRM is still down a pass costs one request's tries.
                var size = _unavailable ? 1 : Window;
                var window = (await store.PendingAsync(Account, size + _running.Count + held.Count))
                    .Where(stored => !_running.ContainsKey(stored.Operation.Id!) && !held.Contains(stored.Operation.Id!))
                    .Take(size)
                    .ToList();
                if (window.Count == 0)
                {
                    break;
                }

                var pending = new List<StoredOperation>();
                foreach (var stored in window)
                {
                    var keys = OperationOrder.Keys(stored.Submission);
                    if (keys.Overlaps(heldKeys))
                    {
                        held.Add(stored.Operation.Id!);
                        heldKeys.UnionWith(keys);
                        continue;
                    }

                    pending.Add(stored);
                    if (stored.FailedRuns > 0)
                    {
                        // It failed before: what comes after it for its phone, email or lead name waits for its end.
                        heldKeys.UnionWith(keys);
                    }
                }

                var ended = await Task.WhenAll(InOrderOfTheirKeys(pending));
                var allDone = true;
                foreach (var (stored, (ran, retried)) in pending.Zip(ended))
                {
                    if (retried)
                    {
                        held.Add(stored.Operation.Id!);
                        heldKeys.UnionWith(OperationOrder.Keys(stored.Submission));
                        continue;
                    }

                    if (ran is null)
                    {
                        allDone = false;
                        continue;
                    }

                    allDone &= ran.Status != OperationStatus.Pending;
                    var answered = stored.Operation.Answered == OperationAnswer.None ? OperationAnswer.Accepted : stored.Operation.Answered;
                    await SettleAsync(ran with { Answered = answered });
                }

                _backlog = await store.BacklogAsync(Account);
                if (!allDone)
                {
                    RetryLater(exception: null);
                    return;
                }
            }

            if (held.Count == 0)
            {
                _backoff?.Succeeded();
            }
            else
            {
                RetryLater(exception: null);
            }

            _backlog = await store.BacklogAsync(Account);
            foreach (var due in await store.DueCallbacksAsync(Account, time.GetUtcNow(), Window))
            {
                await SendCallbackAsync(due.Operation, due.CallbackAttempts + 1);
            }

            var next = await store.NextCallbackDueAsync(Account);
            if (next is { } at)
            {
                CallbackAt(at);
            }

            if (time.GetUtcNow() - _lastPurge > TimeSpan.FromHours(1))
            {
                _lastPurge = time.GetUtcNow();
                await store.PurgeAsync(Account, _lastPurge - Retention, PurgeBatch);
            }

            await KeepReminderAsync(next is not null);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Nothing is lost: the requests stay stored and are tried again.
            RetryLater(exception);
        }
    }

    /// <summary>
    /// Runs a window's requests side by side, except that one sharing a phone, an email or a lead name with an earlier
    /// one starts when that one has ended: a person's forms are applied in the order they were sent (a form by phone
    /// alone, then one that adds the email, then one by the email alone find one contact, not two). One whose earlier
    /// request did not end waits with it (held behind it when that one failed on its own).
    /// </summary>
    private IEnumerable<Task<(Operation? Ran, bool Retried)>> InOrderOfTheirKeys(IReadOnlyList<StoredOperation> window)
    {
        var last = new Dictionary<string, Task<(Operation? Ran, bool Retried)>>(StringComparer.Ordinal);
        foreach (var stored in window)
        {
            var keys = OperationOrder.Keys(stored.Submission);
            var before = keys.Where(last.ContainsKey).Select(key => last[key]).Distinct().ToList();
            var run = before.Count == 0 ? TryRunAsync(stored) : AfterAsync(before, stored);
            foreach (var key in keys)
            {
                last[key] = run;
            }

            yield return run;
        }

        async Task<(Operation? Ran, bool Retried)> AfterAsync(List<Task<(Operation? Ran, bool Retried)>> before, StoredOperation stored)
        {
            var earlier = await Task.WhenAll(before);
            return earlier.All(ended => ended.Ran is { Status: not OperationStatus.Pending })
                ? await TryRunAsync(stored)
                : (null, earlier.Any(ended => ended.Retried));
        }
    }

    /// <summary>
    /// A stored request's run: its end or why it still waits; no end when AmoHub's own parts failed it (logged; it is
    /// tried again). <c>Retried</c> says the failure was the request's own (<see cref="OperationFailures.IsRequestsOwn"/>),
    /// not the moment's: it is counted, and the <see cref="MaxFailedRuns"/>th ends the request failed.
    /// </summary>
    private async Task<(Operation? Ran, bool Retried)> TryRunAsync(StoredOperation stored)
    {
        try
        {
            return (await RunAsync(stored.Operation, stored.Submission), false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException && OperationFailures.IsRequestsOwn(exception))
        {
            var runs = stored.FailedRuns + 1;
            if (runs >= MaxFailedRuns)
            {
                LogGaveUp(logger, exception, Account, stored.Operation.Id, runs);
                return (Failed(stored.Operation, InternalError, null, CouldNotRun), false);
            }

            LogRunFailed(logger, exception, Account, stored.Operation.Id, runs, MaxFailedRuns);
            await store.FailedRunAsync(stored.Operation.Id!, runs);
            return (null, true);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogDrainFailed(logger, exception, Account);
            return (null, false);
        }
    }

    /// <summary>Tries the stored requests again after a pass amoCRM could not complete (<see cref="RetryBackoff"/>).</summary>
    private void RetryLater(Exception? exception)
    {
        if (exception is not null)
        {
            LogDrainFailed(logger, exception, Account);
        }

        (_backoff ??= new RetryBackoff(this, StartDraining)).Failed();
    }

    /// <summary>
    /// Keeps a reminder while requests wait or callbacks are due, so that a restart finishes them; removes it when
    /// nothing is left.
    /// </summary>
    private async Task KeepReminderAsync(bool? callbackDue = null)
    {
        var needed = _backlog.Pending > 0 || _running.Count > 0 || (callbackDue ?? await store.NextCallbackDueAsync(Account) is not null);
        if (needed && _reminderRegistered != true)
        {
            await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            _reminderRegistered = true;
        }
        else if (!needed && _reminderRegistered != false)
        {
            // Not known after an activation: the reminder that brought the grain back may be left from a restart.
            if (await this.GetReminder(ReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            _reminderRegistered = false;
        }
    }

    [LoggerMessage(EventId = 4023, Level = LogLevel.Warning, Message = "Account {Account}: amoCRM could not take operation {Operation} now ({Failure}); it is stored and tried again")]
    private static partial void LogHeld(ILogger logger, string account, string? operation, AmoCrmFailure failure);

    [LoggerMessage(EventId = 4024, Level = LogLevel.Information, Message = "Account {Account}: operation {Operation} is {Status}")]
    private static partial void LogFinished(ILogger logger, string account, string? operation, OperationStatus status);

    [LoggerMessage(EventId = 4025, Level = LogLevel.Warning, Message = "Account {Account}: running the stored operations failed; they are tried again")]
    private static partial void LogDrainFailed(ILogger logger, Exception? exception, string account);

    [LoggerMessage(EventId = 5400, Level = LogLevel.Warning, Message = "Account {Account}: operation {Operation} failed on AmoHub's own parts (run {Runs} of {MaxRuns}); it is tried again")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, string account, string? operation, int runs, int maxRuns);

    [LoggerMessage(EventId = 5401, Level = LogLevel.Error, Message = "Account {Account}: operation {Operation} failed on AmoHub's own parts {Runs} times; it ends failed")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string account, string? operation, int runs);

    [LoggerMessage(EventId = 4026, Level = LogLevel.Warning, Message = "Account {Account}: gave up the callback of operation {Operation} after {Attempts} attempts")]
    private static partial void LogCallbackAbandoned(ILogger logger, string account, string? operation, int attempts);
}
