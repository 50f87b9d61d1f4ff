using System.Diagnostics;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using AmoHub.Grains.Keys;
using AmoHub.Grains.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AmoHub.Grains.Probes;

/// <summary>
/// Runs one check of one account. A reminder (period <see cref="ProbeSchedule.ReminderPeriod"/>) reactivates the
/// probe after a restart or on another silo after failover; while active, a grain timer runs the check at its
/// interval. Each probe has a fixed phase inside the interval derived from its key, so thousands of probes
/// spread out instead of firing in lockstep, and keep their phase across restarts.
/// </summary>
public sealed partial class ProbeGrain(
    [PersistentState("probe", StorageNames.Default)] IPersistentState<ProbeState> state,
    IEnumerable<IProbeCheck> checks,
    HealthCheckLog healthChecks,
    TimeProvider time,
    IOptions<ProbeSchedule> schedule,
    ILogger<ProbeGrain> logger) : Grain, IProbeGrain, IRemindable
{
    private const string ReminderName = "probe";

    private string _account = "";
    private CheckType _checkType;
    private IProbeCheck? _check;
    private IGrainTimer? _timer;
    private CheckResult? _lastResult;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_account, _checkType) = GrainKeys.ParseProbe(this.GetPrimaryKeyString());
        _check = checks.FirstOrDefault(check => check.CheckType == _checkType);
        _lastResult = state.State.LastTransition;
        if (state.State is { Enabled: true, Settings: { } settings })
        {
            StartTimer(settings);
        }

        return Task.CompletedTask;
    }

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
        state.State.Settings));

    /// <inheritdoc />
    public Task<CheckResult> CheckNowAsync() =>
        state.State.Settings is { } settings
            ? RunCheckAsync(settings)
            : throw new InvalidOperationException("The probe has never been started, so it has nothing to check.");

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

    private void StartTimer(ProbeSettings settings)
    {
        _timer?.Dispose();
        _timer = this.RegisterGrainTimer(
            static (grain, cancellationToken) => grain.RunScheduledAsync(cancellationToken),
            this,
            new GrainTimerCreationOptions
            {
                DueTime = DelayToPhase(settings.Interval),
                Period = settings.Interval,
                Interleave = false,
                KeepAlive = true,
            });
    }

    private async Task RunScheduledAsync(CancellationToken cancellationToken)
    {
        if (state.State is { Enabled: true, Settings: { } settings } && !cancellationToken.IsCancellationRequested)
        {
            await RunCheckAsync(settings);
        }
    }

    private async Task<CheckResult> RunCheckAsync(ProbeSettings settings)
    {
        var startedAt = time.GetUtcNow();
        var stopwatch = Stopwatch.StartNew();
        CheckOutcome outcome;
        using (var timeout = new CancellationTokenSource(settings.Timeout, time))
        {
            try
            {
                outcome = await _check!.RunAsync(_account, settings, timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                outcome = new CheckOutcome(HealthStatus.Down, null, $"No answer within {settings.Timeout.TotalSeconds:0.#} s.");
            }
            catch (HttpRequestException exception)
            {
                outcome = new CheckOutcome(HealthStatus.Down, null, $"The request failed: {exception.HttpRequestError}.");
            }
        }

        var result = new CheckResult(startedAt, outcome.Status, outcome.ResponseTimeMs ?? (int)stopwatch.ElapsedMilliseconds, outcome.HttpStatus, outcome.ErrorMessage);
        var previous = _lastResult;
        _lastResult = result;
        healthChecks.Append(new HealthCheckRecord(_account, _checkType, result));
        if (previous?.Status != result.Status)
        {
            LogStatusChanged(logger, _account, _checkType, previous?.Status ?? HealthStatus.Unknown, result.Status);
            state.State.LastTransition = result;
            await state.WriteStateAsync();
        }

        return result;
    }

    private TimeSpan DelayToPhase(TimeSpan interval)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(this.GetPrimaryKeyString()));
        var phase = (long)(BinaryPrimitives.ReadUInt64LittleEndian(digest) % (ulong)interval.Ticks);
        var now = time.GetUtcNow().UtcTicks;
        return TimeSpan.FromTicks(((phase - now % interval.Ticks) + interval.Ticks) % interval.Ticks);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "{Account}/{CheckType} went from {Previous} to {Current}")]
    private static partial void LogStatusChanged(ILogger logger, string account, CheckType checkType, HealthStatus previous, HealthStatus current);
}
