using System.Buffers.Binary;
using System.Data.Common;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using AmoHub.Grains.Interfaces.Keys;
using AmoHub.Grains.Interfaces.Maintenance;
using AmoHub.Grains.Interfaces.Monitoring;
using AmoHub.Grains.Interfaces.Notifications;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Monitoring.Incidents;
using AmoHub.Grains.Probes.DigitalPipeline;
using AmoHub.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AmoHub.Grains.Probes;

/// <summary>
/// Runs one check of one account. A reminder (period <see cref="ProbeSchedule.ReminderPeriod"/>) reactivates the
/// probe after a restart or on another silo after failover; while active, a grain timer runs the check at its
/// interval. Each probe has a fixed phase inside the interval derived from its key, so thousands of probes
/// spread out instead of firing in lockstep, and keep their phase across restarts.
/// Every result goes to <c>check_results</c> (batched) and to the live feed; the debounced status
/// (<see cref="ProbeEvaluation"/>) opens an incident when it turns down and closes it when it recovers, and the
/// account's notifier hears of both.
/// </summary>
public sealed partial class ProbeGrain(
    [PersistentState("probe", StorageNames.Default)] IPersistentState<ProbeState> state,
    IEnumerable<IProbeCheck> checks,
    HealthCheckLog healthChecks,
    IncidentStore incidents,
    DigitalPipelineWaiters digitalPipeline,
    TimeProvider time,
    IOptions<ProbeSchedule> schedule,
    ILogger<ProbeGrain> logger) : Grain, IProbeGrain, IRemindable, IDisposable
{
    private const string ReminderName = "probe";

    private string _account = "";
    private CheckType _checkType;
    private IProbeCheck? _check;
    private IGrainTimer? _timer;
    private CheckResult? _lastResult;
    private ulong _phaseSeed;
    private DateTimeOffset _slot;
    private CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;
    private SlowWindow? _slowWindow;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_account, _checkType) = GrainKeys.ParseProbe(this.GetPrimaryKeyString());
        ProbeMetrics.Announce(_account, _checkType);
        _phaseSeed = BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(this.GetPrimaryKeyString())));
        _check = checks.FirstOrDefault(check => check.CheckType == _checkType);
        _lastResult = state.State.LastTransition;
        if (state.State is { Enabled: true, Settings: { } settings })
        {
            StartTimer(settings);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose() => _stopping.Dispose();

    /// <inheritdoc />
    public async Task StartAsync(ProbeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (_check is null)
        {
            throw new NotSupportedException($"No runner is registered for {_checkType.ToWireName()} checks.");
        }

        if (!state.State.Enabled || state.State.Settings != settings)
        {
            state.State.Enabled = true;
            state.State.Settings = settings;
            await state.WriteStateAsync();
            StartTimer(settings);
        }

        await this.RegisterOrUpdateReminder(ReminderName, schedule.Value.ReminderPeriod, schedule.Value.ReminderPeriod);
    }

    /// <inheritdoc />
    public async Task StopAsync()
    {
        _timer?.Dispose();
        _timer = null;
        await _stopping.CancelAsync();
        await _running;
        if (state.State.Enabled)
        {
            state.State.Enabled = false;
            await state.WriteStateAsync();
        }

        var reminder = await this.GetReminder(ReminderName);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <inheritdoc />
    public Task<ProbeStatus> GetStatusAsync() => Task.FromResult(new ProbeStatus(
        _account,
        _checkType,
        state.State.Enabled,
        _lastResult,
        state.State.LastTransition?.Timestamp,
        state.State.Settings,
        state.State.Status,
        state.State.Reason));

    /// <inheritdoc />
    public async Task<CheckResult> CheckNowAsync()
    {
        if (state.State.Settings is not { } settings)
        {
            throw new InvalidOperationException("The probe has never been started, so it has nothing to check.");
        }

        return await TrackRun(settings) ?? throw new InvalidOperationException("The probe was stopped while checking.");
    }

    /// <inheritdoc />
    public Task DigitalPipelineEchoAsync(string marker)
    {
        if (!digitalPipeline.Complete(marker))
        {
            LogStaleMarker(logger, _account);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State is { Enabled: true, Settings: { } settings })
        {
            // The reminder's job is to bring the probe back after a restart; activation starts the timer.
            if (_timer is null)
            {
                StartTimer(settings);
            }

            return;
        }

        var reminder = await this.GetReminder(reminderName);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>
    /// Arms a one-shot timer for the probe's next slot. A periodic grain timer counts its period from the end of
    /// each callback, so every check's duration would push the next one later and the probes would drift out of
    /// their phases; re-arming for the next slot after each run keeps them on the grid.
    /// </summary>
    private void StartTimer(ProbeSettings settings)
    {
        if (_stopping.IsCancellationRequested)
        {
            _stopping.Dispose();
            _stopping = new CancellationTokenSource();
        }

        _timer?.Dispose();
        _timer = this.RegisterGrainTimer(
            static (grain, cancellationToken) => grain.RunScheduledAsync(cancellationToken),
            this,
            new GrainTimerCreationOptions
            {
                DueTime = ToNextSlot(settings.Interval, previous: null),
                Period = Timeout.InfiniteTimeSpan,
                Interleave = false,
                KeepAlive = true,
            });
    }

    private async Task RunScheduledAsync(CancellationToken cancellationToken)
    {
        if (state.State is not { Enabled: true, Settings: { } settings } || cancellationToken.IsCancellationRequested)
        {
            return;
        }

        var slot = _slot;
        ProbeMetrics.RecordLateness(time.GetUtcNow() - slot, _checkType);
        try
        {
            await TrackRun(settings);
        }
        finally
        {
            if (_timer is { } timer && state.State.Enabled && !_stopping.IsCancellationRequested)
            {
                timer.Change(ToNextSlot(settings.Interval, previous: slot), Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Starts a run that a stop waits for.</summary>
    private Task<CheckResult?> TrackRun(ProbeSettings settings)
    {
        var run = RunCheckAsync(settings);
        _running = run;
        return run;
    }

    /// <summary>Runs the check and records its result; null when the probe was stopped meanwhile.</summary>
    private async Task<CheckResult?> RunCheckAsync(ProbeSettings settings)
    {
        var measured = await MeasureAsync(settings);
        if (_stopping.IsCancellationRequested)
        {
            return null;
        }

        var thresholds = schedule.Value.For(_checkType);
        var result = ProbeEvaluation.Classify(measured, thresholds);
        _lastResult = result;
        ObserveSpeed(result, thresholds.Warning);
        healthChecks.Append(new HealthCheckRecord(_account, _checkType, result));
        ProbeMetrics.RecordResult(_account, _checkType, result);

        var probe = state.State;
        var previous = probe.Status;
        var (status, reason) = ProbeEvaluation.Advance(probe, result, schedule.Value.EscalateAfter, schedule.Value.RecoverAfter);
        var changed = status != previous;
        if (changed)
        {
            LogStatusChanged(logger, _account, _checkType, previous, status);
            if (status is HealthStatus.Warning or HealthStatus.Down)
            {
                LogNotUp(logger, _account, _checkType, status, reason, result.HttpStatus, result.ErrorMessage);
            }

            probe.Status = status;
            probe.Reason = reason;
            probe.LastTransition = result;
            if (status == HealthStatus.Down)
            {
                probe.Incident = new OpenIncident(
                    0, result.Timestamp, result.ErrorMessage ?? reason, reason, result.HttpStatus, Maintenance: await InMaintenanceAsync(result.Timestamp));
            }
            else if (previous == HealthStatus.Down && probe.Incident is { } open)
            {
                probe.UnrecordedClosings.Add(open with { EndedAt = result.Timestamp });
                probe.Incident = null;
            }
        }

        // Live clients hear of the result first; the incident and state writes that follow may wait on the database.
        GrainFactory.GetGrain<IStatusFeedGrain>(IStatusFeedGrain.Key).PublishAsync(new ProbeUpdate(
            _account, _checkType, probe.Status, result.ResponseTimeMs, result.Timestamp, result.ErrorMessage, result.HttpStatus,
            probe.Reason ?? result.ErrorCode, probe.LastTransition?.Timestamp)).Ignore();
        if (await RecordIncidentsAsync() || changed)
        {
            await state.WriteStateAsync();
        }

        return result;
    }

    private async Task<CheckResult> MeasureAsync(ProbeSettings settings)
    {
        var startedAt = time.GetUtcNow();
        var stopwatch = Stopwatch.StartNew();
        CheckOutcome outcome;
        using (var timeout = new CancellationTokenSource(settings.Timeout, time))
        using (_stopping.Token.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), timeout))
        {
            try
            {
                outcome = await _check!.RunAsync(_account, settings, timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                outcome = new CheckOutcome(HealthStatus.Down, null, $"No answer within {settings.Timeout.TotalSeconds:0.#} s.", ErrorCode: CheckErrorCodes.Timeout);
            }
            catch (HttpRequestException exception)
            {
                outcome = new CheckOutcome(HealthStatus.Down, null, $"The request failed: {exception.HttpRequestError}.", ErrorCode: CheckErrorCodes.ConnectionFailed);
            }
        }

        return new CheckResult(outcome.StartedAt ?? startedAt, outcome.Status, outcome.ResponseTimeMs ?? (int)stopwatch.ElapsedMilliseconds, outcome.HttpStatus,
            outcome.ErrorMessage, outcome.ErrorCode);
    }

    /// <summary>
    /// Writes the open incident and any closings the table does not have yet, and tells the notifier of each once
    /// written. With the database unreachable they stay in state and are retried with the next result.
    /// Returns whether the state changed.
    /// </summary>
    private async Task<bool> RecordIncidentsAsync()
    {
        var probe = state.State;
        var changed = false;
        try
        {
            if (probe.Incident is { Id: 0 } opening)
            {
                probe.Incident = await RecordOpeningAsync(opening);
                changed = true;
            }

            while (probe.UnrecordedClosings.Count > 0)
            {
                var closing = probe.UnrecordedClosings[0];
                if (closing.Id == 0)
                {
                    closing = await RecordOpeningAsync(closing);
                    probe.UnrecordedClosings[0] = closing;
                }

                await incidents.CloseAsync(_account, _checkType, closing.StartedAt, closing.EndedAt!.Value);
                probe.UnrecordedClosings.RemoveAt(0);
                changed = true;
                Notify(closing, IncidentChange.Closed);
            }
        }
        catch (DbException exception)
        {
            LogIncidentNotRecorded(logger, exception, _account, _checkType);
        }

        return changed;
    }

    private async Task<OpenIncident> RecordOpeningAsync(OpenIncident incident)
    {
        var id = await incidents.OpenAsync(_account, _checkType, incident.StartedAt, incident.Details, incident.ErrorCode, incident.HttpStatus, incident.Maintenance);
        var recorded = incident with { Id = id };
        Notify(recorded, IncidentChange.Opened);
        return recorded;
    }

    /// <summary>Hands the notice to the account's notifier one-way: whatever happens there never touches the probe.</summary>
    private void Notify(OpenIncident incident, IncidentChange change) =>
        GrainFactory.GetGrain<INotifierGrain>(GrainKeys.Notifier(_account)).NotifyAsync(new IncidentNotice(
            incident.Id, _account, _checkType, change, incident.StartedAt,
            change == IncidentChange.Closed ? incident.EndedAt : null,
            incident.Details, incident.HttpStatus, incident.ErrorCode, incident.Maintenance)).Ignore();

    /// <summary>
    /// Adds the result to the slow-down window and tells the notifier, one-way, when the check turned slow or fast
    /// again (or its first state since activation: the window lives in memory and starts empty after a restart).
    /// </summary>
    private void ObserveSpeed(CheckResult result, TimeSpan warning)
    {
        var window = _slowWindow ??= new SlowWindow(schedule.Value.SlowWindow, schedule.Value.SlowMinSamples);
        if (window.Observe(result, warning) is not { } slow)
        {
            return;
        }

        LogSpeedChanged(logger, _account, _checkType, slow, window.P95!.Value, window.Window);
        GrainFactory.GetGrain<INotifierGrain>(GrainKeys.Notifier(_account)).NotifySlowAsync(new SlowNotice(
            _account, _checkType, slow, result.Timestamp, window.P95.Value, (int)warning.TotalMilliseconds, window.Window)).Ignore();
    }

    /// <summary>
    /// Whether a maintenance window covers the account at <paramref name="at"/>. Asked once per incident; when the
    /// windows cannot be read the incident is taken as a real one, so an outage is never silenced by mistake.
    /// </summary>
    private async Task<bool> InMaintenanceAsync(DateTimeOffset at)
    {
        try
        {
            return await GrainFactory.GetGrain<IMaintenanceGrain>(IMaintenanceGrain.Key).ActiveAsync(_account, at) is not null;
        }
        catch (Exception exception) when (exception is OrleansException or TimeoutException)
        {
            LogMaintenanceUnknown(logger, _account, _checkType, exception.GetType().Name);
            return false;
        }
    }

    /// <summary>
    /// The delay until the probe's next slot: the first instant after now that sits at the probe's phase in the
    /// interval, and never the slot just run again when a timer fires a hair early.
    /// </summary>
    private TimeSpan ToNextSlot(TimeSpan interval, DateTimeOffset? previous)
    {
        var phase = (long)(_phaseSeed % (ulong)interval.Ticks);
        var now = time.GetUtcNow();
        var slot = now + TimeSpan.FromTicks(((phase - now.UtcTicks % interval.Ticks) + interval.Ticks) % interval.Ticks);
        if (previous is { } last && slot - last < interval / 2)
        {
            slot += interval;
        }

        _slot = slot;
        return slot - now;
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "{Account}/{CheckType}: the maintenance windows could not be read ({Reason}); the incident is taken as outside maintenance")]
    private static partial void LogMaintenanceUnknown(ILogger logger, string account, CheckType checkType, string reason);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "{Account}/{CheckType} went from {Previous} to {Current}")]
    private static partial void LogStatusChanged(ILogger logger, string account, CheckType checkType, HealthStatus previous, HealthStatus current);

    /// <summary>The raw error behind a reason, for operators: people read the reason's words, never this text.</summary>
    [LoggerMessage(EventId = 5300, Level = LogLevel.Warning, Message = "{Account}/{CheckType} is {Status}: reason {Reason}, HTTP status {HttpStatus}, error: {Error}")]
    private static partial void LogNotUp(ILogger logger, string account, CheckType checkType, HealthStatus status, string? reason, int? httpStatus, string? error);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "The incident of {Account}/{CheckType} could not be recorded; retrying with the next result")]
    private static partial void LogIncidentNotRecorded(ILogger logger, Exception exception, string account, CheckType checkType);

    [LoggerMessage(EventId = 7110, Level = LogLevel.Information, Message = "{Account}/{CheckType} slow: {Slow} (p95 {P95Ms} ms over {Window})")]
    private static partial void LogSpeedChanged(ILogger logger, string account, CheckType checkType, bool slow, int p95Ms, TimeSpan window);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "A Digital Pipeline marker of {Account} came back after its check had ended")]
    private static partial void LogStaleMarker(ILogger logger, string account);
}
