using AmoHub.Grains.Crm.Operations;
using AmoHub.Grains.Crm.Webhooks;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Interfaces.Keys;
using Orleans.Concurrency;

namespace AmoHub.Grains.Crm;

/// <summary>Answers the API's CRM list queries from the read model, on whichever silo the call lands.</summary>
[StatelessWorker]
public sealed class CrmQueryGrain(
    CrmReadModel readModel, WebhookInboxStore inbox, CrmDeadLetters deadLetters, OperationStore operations, TimeProvider time) : Grain, ICrmQueryGrain
{
    /// <inheritdoc />
    public Task<Page<ContactSnapshot>> ListContactsAsync(string account, string? phone, string? email, string? name, int page, int pageSize) =>
        readModel.ListContactsAsync(AccountName.Normalize(account), phone, email, name, page, pageSize);

    /// <inheritdoc />
    public Task<Page<LeadSnapshot>> ListLeadsAsync(string account, string? name, int page, int pageSize) =>
        readModel.ListLeadsAsync(AccountName.Normalize(account), name, page, pageSize);

    /// <inheritdoc />
    public Task<Page<DuplicatePhone>> ListDuplicatePhonesAsync(string account, int page, int pageSize) =>
        readModel.ListDuplicatePhonesAsync(AccountName.Normalize(account), page, pageSize);

    /// <inheritdoc />
    public async Task<CrmSummary> GetSummaryAsync(string account)
    {
        account = AccountName.Normalize(account);
        var (contacts, leads) = await readModel.CountAsync(account);
        var (pending, eventsLastHour, deliveriesLastHour) = await inbox.CountsAsync(account, time.GetUtcNow().AddHours(-1));
        var (deadLetterCount, recentDeadLetters) = await deadLetters.ReadAsync(account, latest: 10);
        var duplicatePhones = await readModel.CountDuplicatePhonesAsync(account);
        var sync = await GrainFactory.GetGrain<IAccountGrain>(GrainKeys.Account(account)).GetSyncStatusAsync();
        var backlog = await operations.BacklogAsync(account);
        return new CrmSummary(account, contacts, leads, eventsLastHour, pending, sync, deliveriesLastHour, deadLetterCount, recentDeadLetters, duplicatePhones, backlog);
    }
}
