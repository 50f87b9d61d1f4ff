using AmoHub.Grains.Crm;
using AmoHub.Grains.Interfaces.Crm;
using Microsoft.Extensions.Logging;

namespace AmoHub.Grains.AmoCrm;

/// <summary>
/// Where the account's new leads go. amoCRM keeps leads in pipelines, each with statuses of its own (won 142 and lost
/// 143 in every one), so a status alone does not say where a lead goes. The account's pipelines are read from amoCRM
/// (<c>GET /api/v4/leads/pipelines</c>, inside the account's budget) when first needed and kept while the grain is
/// active; a pipeline or status they do not hold reads them again, once, before the lead is refused, so one added in
/// amoCRM meanwhile is found. Used on the account grain's scheduler only.
/// </summary>
public sealed partial class AmoCrmPipelines
{
    private readonly Func<string> _account;
    private readonly Func<long?> _defaultPipelineId;
    private readonly AmoCrmConnection _connection;
    private readonly ILogger _logger;
    private readonly Coalescer _read;
    private IReadOnlyList<AmoPipeline>? _pipelines;

    /// <summary>
    /// Reads through <paramref name="connection"/> for the account <paramref name="account"/> names, whose default
    /// pipeline <paramref name="defaultPipelineId"/> gives (null: amoCRM's main pipeline).
    /// </summary>
    public AmoCrmPipelines(Func<string> account, Func<long?> defaultPipelineId, AmoCrmConnection connection, ILogger logger)
    {
        _account = account;
        _defaultPipelineId = defaultPipelineId;
        _connection = connection;
        _logger = logger;
        _read = new Coalescer(ReadAsync);
    }

    private string Account => _account();

    /// <summary>
    /// The pipeline a new lead goes to: <paramref name="pipelineId"/>, else the account's default pipeline, else
    /// amoCRM's main pipeline; it must hold <paramref name="statusId"/> when one is given.
    /// </summary>
    /// <exception cref="InvalidFieldException">
    /// Naming <c>pipelineId</c>: amoCRM has no such pipeline; naming <c>statusId</c>: the pipeline has no such status.
    /// </exception>
    public async Task<long> ResolveAsync(long? pipelineId, long? statusId)
    {
        var fresh = false;
        if (_pipelines is null)
        {
            await _read.RunAsync();
            fresh = true;
        }

        var (placed, refusal) = Place(pipelineId, statusId);
        if (refusal is not null && !fresh)
        {
            await _read.RunAsync();
            (placed, refusal) = Place(pipelineId, statusId);
        }

        return refusal is null ? placed : throw refusal;
    }

    /// <summary>The pipeline for the lead by the pipelines kept, or why there is none.</summary>
    private (long PipelineId, InvalidFieldException? Refusal) Place(long? pipelineId, long? statusId)
    {
        var pipelines = _pipelines ?? [];
        var defaultId = _defaultPipelineId();
        var target = pipelineId ?? defaultId;
        var pipeline = target is { } id
            ? pipelines.FirstOrDefault(candidate => candidate.Id == id)
            : pipelines.FirstOrDefault(candidate => candidate.IsMain);
        if (pipeline is null)
        {
            return (0, new InvalidFieldException("pipelineId",
                pipelineId is not null ? $"amoCRM account {Account} has no pipeline {pipelineId}."
                : defaultId is not null ? $"No pipeline was named, and the account's default pipeline {defaultId} (its DefaultPipelineId) is not in amoCRM account {Account}: name one, or change the default."
                : $"No pipeline was named, and amoCRM account {Account} shows no main pipeline: name one."));
        }

        if (statusId is { } status && !(pipeline.Embedded?.Statuses ?? []).Any(candidate => candidate.Id == status))
        {
            var which = pipelineId is not null ? "the pipeline named"
                : defaultId is not null ? "the account's default pipeline, where a lead that names no pipelineId goes"
                : "the main pipeline, where a lead that names no pipelineId goes";
            return (0, new InvalidFieldException("statusId",
                $"Status {status} is not in pipeline {pipeline.Id} ({which}) of amoCRM account {Account}."));
        }

        return (pipeline.Id, null);
    }

    private async Task ReadAsync()
    {
        var list = await _connection.CallAsync((api, token, ct) => api.ListPipelinesAsync(token, ct), retryUnknownOutcome: true);
        _pipelines = list?.Embedded?.Pipelines ?? [];
        LogRead(_logger, Account, _pipelines.Count);
    }

    [LoggerMessage(EventId = 4020, Level = LogLevel.Information, Message = "Account {Account}: read {Count} lead pipelines from amoCRM")]
    private static partial void LogRead(ILogger logger, string account, int count);
}
