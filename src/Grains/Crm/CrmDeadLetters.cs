using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Data.Common;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Storage;
using AmoHub.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Logging;

namespace AmoHub.Grains.Crm;

/// <summary>
/// The <c>crm_dead_letters</c> table: contacts and leads AmoHub could not apply, again and again, set aside with
/// their reason so that one entity never stops its account (the webhook inbox and the sync go on with what follows it). Counted on
/// the <c>AmoHub.Crm</c> meter and shown in <c>/api/amocrm/status</c>.
/// </summary>
public sealed partial class CrmDeadLetters(AmoHubDatabase database, TimeProvider time, ILogger<CrmDeadLetters> logger)
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "AmoHub.Crm";

    /// <summary>Failures in a row after which an entity is set aside.</summary>
    public const int Attempts = 3;

    private const int ReasonLength = 500;

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> SetAside = Meter.CreateCounter<long>(
        "amohub.crm.dead_letters", unit: "{entity}", description: "Contacts and leads set aside because applying them failed");

    private readonly ConcurrentDictionary<(string Account, WebhookEntity Entity, long Id), int> _failures = new();

    /// <summary>
    /// Whether a failure to apply one entity is the entity's own (set it aside) rather than the moment's: a storage
    /// engine saying a retry may work, amoCRM unavailable or limiting, a timeout or an Orleans failure keep the entity
    /// where it is, to be tried again.
    /// </summary>
    public static bool IsEntitysOwn(Exception exception) => exception is not (
        TimeoutException or OperationCanceledException or OrleansException or DbException { IsTransient: true } or AmoCrmException { IsTransient: true });

    /// <summary>
    /// Applies one entity. When that fails for a reason of the entity's own, the failure is counted; the
    /// <see cref="Attempts"/>th failure in a row records the entity here instead. True when the entity is done with
    /// (applied, or set aside now); false when it failed and stays where it is, to be tried again. Failures of the
    /// moment (storage or amoCRM unavailable, timeouts) are thrown, as before.
    /// </summary>
    public async Task<bool> ApplyOrSetAsideAsync(string account, string source, WebhookEntity entity, long amoCrmId, Func<Task> apply)
    {
        ArgumentNullException.ThrowIfNull(apply);
        var key = (account, entity, amoCrmId);
        try
        {
            await apply();
            _failures.TryRemove(key, out _);
            return true;
        }
        catch (Exception exception) when (IsEntitysOwn(exception))
        {
            var failures = _failures.AddOrUpdate(key, 1, (_, count) => count + 1);
            if (failures < Attempts)
            {
                LogFailed(logger, account, EntityName(entity), amoCrmId, source, failures, Attempts);
                return false;
            }

            await AddAsync(account, source, entity, amoCrmId, exception);
            _failures.TryRemove(key, out _);
            return true;
        }
    }

    /// <summary>Records an entity set aside. Throws when the record cannot be written: the caller then keeps the entity.</summary>
    private async Task AddAsync(string account, string source, WebhookEntity entity, long amoCrmId, Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var reason = Sql.Fit(MaskDigits(failure.Message), ReasonLength);
        await using var write = await database.OpenWriteAsync(CancellationToken.None);
        await using var command = write.Connection.CreateCommand();
        command.CommandText = "INSERT INTO crm_dead_letters (account, source, entity, amocrm_id, reason, created_at) VALUES (@account, @source, @entity, @amocrm_id, @reason, @created_at)";
        command.With("@account", account).With("@source", source).With("@entity", EntityName(entity)).With("@amocrm_id", amoCrmId)
            .With("@reason", reason).With("@created_at", time.GetUtcNow().ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync();
        SetAside.Add(1, AccountLabels.Current.Tag(account), new KeyValuePair<string, object?>("source", source));
        LogSetAside(logger, account, EntityName(entity), amoCrmId, source, reason);
    }

    /// <summary>How many entities of the account were set aside, and the newest <paramref name="latest"/> of them.</summary>
    public async Task<(long Count, ImmutableArray<DeadLetter> Latest)> ReadAsync(string account, int latest)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM crm_dead_letters WHERE account = @account";
        count.With("@account", account);
        var total = Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);

        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT source, entity, amocrm_id, reason, created_at FROM crm_dead_letters WHERE account = @account ORDER BY id DESC LIMIT @take";
        command.With("@account", account).With("@take", latest);
        await using var reader = await command.ExecuteReaderAsync();
        var items = ImmutableArray.CreateBuilder<DeadLetter>();
        while (await reader.ReadAsync())
        {
            items.Add(new DeadLetter(reader.GetString(0), reader.GetString(1), reader.GetLong(2), reader.GetString(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetLong(4))));
        }

        return (total, items.ToImmutable());
    }

    private static string EntityName(WebhookEntity entity) => entity == WebhookEntity.Contact ? "contact" : "lead";

    /// <summary>A database's message may quote the row (a phone in a duplicate key): runs of digits keep their last two.</summary>
    private static string MaskDigits(string message) =>
        DigitRun().Replace(message, match => new string('*', match.Length - 2) + match.Value[^2..]);

    [GeneratedRegex("[0-9]{5,}")]
    private static partial Regex DigitRun();

    [LoggerMessage(EventId = 4111, Level = LogLevel.Warning, Message = "Account {Account}: applying {Entity} {AmoCrmId} from the {Source} failed ({Failures} of {Attempts} before it is set aside)")]
    private static partial void LogFailed(ILogger logger, string account, string entity, long amoCrmId, string source, int failures, int attempts);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Error, Message = "Account {Account}: {Entity} {AmoCrmId} from the {Source} was set aside, applying it failed: {Reason}")]
    private static partial void LogSetAside(ILogger logger, string account, string entity, long amoCrmId, string source, string reason);
}
