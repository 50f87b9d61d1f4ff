using System.Text.Json.Serialization;
using AmoHub.Sandbox.Http;

namespace AmoHub.Sandbox.Leads;

/// <summary>The sandbox's only pipeline and its fixed statuses.</summary>
internal static class Pipeline
{
    public const long Id = 1_000_001;
    public const string Name = "Воронка";
    public const long FirstStatusId = 1_000_011;
    public const long WonStatusId = 142;
    public const long LostStatusId = 143;

    public static readonly IReadOnlyList<PipelineStatus> Statuses =
    [
        new(FirstStatusId, "Первичный контакт", 10, "#99ccff"),
        new(1_000_012, "Переговоры", 20, "#ffff99"),
        new(1_000_013, "Принимают решение", 30, "#ffcc66"),
        new(WonStatusId, "Успешно реализовано", 10_000, "#CCFF66"),
        new(LostStatusId, "Закрыто и не реализовано", 11_000, "#D5D8DB"),
    ];

    public static bool HasStatus(long statusId) => Statuses.Any(status => status.Id == statusId);

    /// <summary>Whether a lead in this status is closed (won or lost), so it has a <c>closed_at</c>.</summary>
    public static bool IsClosed(long statusId) => statusId is WonStatusId or LostStatusId;
}

/// <summary>A status of the pipeline.</summary>
internal sealed record PipelineStatus(long Id, string Name, int Sort, string Color);

/// <summary>The answer of <c>GET api/v4/leads/pipelines</c>.</summary>
internal sealed record PipelineListJson(
    [property: JsonPropertyName("_total_items")] int TotalItems,
    [property: JsonPropertyName("_links")] SelfLinks Links,
    [property: JsonPropertyName("_embedded")] PipelineListEmbeddedJson Embedded);

/// <summary><c>_embedded</c> of the pipeline list.</summary>
internal sealed record PipelineListEmbeddedJson(IReadOnlyList<PipelineJson> Pipelines);

/// <summary>A pipeline with its statuses.</summary>
internal sealed record PipelineJson(
    long Id,
    string Name,
    int Sort,
    bool IsMain,
    bool IsUnsortedOn,
    bool IsArchive,
    long AccountId,
    [property: JsonPropertyName("_links")] SelfLinks Links,
    [property: JsonPropertyName("_embedded")] PipelineEmbeddedJson Embedded)
{
    public static PipelineJson For(long accountId, ApiLinks links) => new(
        Pipeline.Id,
        Pipeline.Name,
        1,
        true,
        false,
        false,
        accountId,
        links.To($"leads/pipelines/{Pipeline.Id}"),
        new PipelineEmbeddedJson(Pipeline.Statuses
            .Select(status => new StatusJson(
                status.Id, status.Name, status.Sort, true, Pipeline.Id, status.Color, 0, accountId,
                links.To($"leads/pipelines/{Pipeline.Id}/statuses/{status.Id}")))
            .ToList()));
}

/// <summary><c>_embedded</c> of a pipeline.</summary>
internal sealed record PipelineEmbeddedJson(IReadOnlyList<StatusJson> Statuses);

/// <summary>A status as amoCRM sends it.</summary>
internal sealed record StatusJson(
    long Id,
    string Name,
    int Sort,
    bool IsEditable,
    long PipelineId,
    string Color,
    int Type,
    long AccountId,
    [property: JsonPropertyName("_links")] SelfLinks Links);
