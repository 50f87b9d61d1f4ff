using System.Text.Json.Serialization;
using AmoHub.Sandbox.Http;

namespace AmoHub.Sandbox.Leads;

/// <summary>
/// A lead pipeline and its statuses. Every account has the main one; seeding adds more in the same shape: three
/// open statuses of their own, then won (142) and lost (143), which every pipeline shares. The last open status
/// requires the <see cref="ContractField"/>.
/// </summary>
/// <param name="Id">Its amoCRM id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Sort">Its place in the list.</param>
/// <param name="IsMain">Whether it is the account's main pipeline, where a lead goes when nothing says otherwise.</param>
/// <param name="Statuses">Its statuses, open ones first.</param>
internal sealed record Pipeline(long Id, string Name, int Sort, bool IsMain, IReadOnlyList<PipelineStatus> Statuses)
{
    public const long MainId = 1_000_001;
    public const long WonStatusId = 142;
    public const long LostStatusId = 143;

    /// <summary>The most pipelines an account may have (amoCRM's limit on most plans).</summary>
    public const int MaxCount = 50;

    /// <summary>Pipeline number n has id <c>MainId + (n - 1) * IdStep</c>; its open statuses follow at +10, +11, +12.</summary>
    private const long IdStep = 1_000;

    private static readonly string[] ExtraNames =
        ["Повторные продажи", "Опт", "Партнёры", "Тендеры", "Сервис", "Маркетплейсы", "Франшиза", "Импорт"];

    /// <summary>The pipeline every account has: <c>1000001</c>, statuses <c>1000011</c>–<c>1000013</c>, 142, 143.</summary>
    public static readonly Pipeline Main = Numbered(1);

    /// <summary>The status a new lead of this pipeline starts in.</summary>
    public long FirstStatusId => Statuses[0].Id;

    /// <summary>
    /// The pipeline numbered <paramref name="number"/> (1 is <see cref="Main"/>): the same shape with ids of its own,
    /// so the same account always gets the same ids.
    /// </summary>
    public static Pipeline Numbered(int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(number, MaxCount);
        var id = MainId + ((number - 1) * IdStep);
        var name = number == 1 ? "Воронка"
            : number - 2 < ExtraNames.Length ? ExtraNames[number - 2]
            : $"Воронка {number}";
        return new Pipeline(id, name, number, number == 1,
        [
            new(id + 10, "Первичный контакт", 10, "#99ccff", []),
            new(id + 11, "Переговоры", 20, "#ffff99", []),
            new(id + 12, "Принимают решение", 30, "#ffcc66", [ContractField.Id]),
            new(WonStatusId, "Успешно реализовано", 10_000, "#CCFF66", []),
            new(LostStatusId, "Закрыто и не реализовано", 11_000, "#D5D8DB", []),
        ]);
    }

    /// <summary>Whether a lead in this status is closed (won or lost), so it has a <c>closed_at</c>.</summary>
    public static bool IsClosed(long statusId) => statusId is WonStatusId or LostStatusId;

    /// <summary>
    /// The pipeline a lead goes to: the one named by <paramref name="pipelineId"/>; else the only one holding
    /// <paramref name="statusId"/> (every status but won and lost belongs to one pipeline); else
    /// <paramref name="current"/>. <c>null</c> when a named pipeline does not exist.
    /// </summary>
    public static Pipeline? Resolve(IReadOnlyList<Pipeline> pipelines, long? pipelineId, long? statusId, Pipeline current)
    {
        if (pipelineId is { } id)
        {
            return pipelines.FirstOrDefault(pipeline => pipeline.Id == id);
        }

        return statusId is { } status && !IsClosed(status)
            ? pipelines.FirstOrDefault(pipeline => pipeline.HasStatus(status)) ?? current
            : current;
    }

    public bool HasStatus(long statusId) => Statuses.Any(status => status.Id == statusId);

    /// <summary>Whether a lead entering <paramref name="statusId"/> of this pipeline must carry field <paramref name="fieldId"/>.</summary>
    public bool Requires(long statusId, long fieldId) => Statuses.Any(status => status.Id == statusId && status.RequiredFieldIds.Contains(fieldId));
}

/// <summary>A status of a pipeline.</summary>
/// <param name="Id">Its id: its own, or 142 (won) and 143 (lost), which every pipeline has.</param>
/// <param name="Name">Its name.</param>
/// <param name="Sort">Its place in the pipeline.</param>
/// <param name="Color">Its colour in the web UI.</param>
/// <param name="RequiredFieldIds">The custom fields a lead must carry to enter it (amoCRM's <c>required_statuses</c> of a field).</param>
internal sealed record PipelineStatus(long Id, string Name, int Sort, string Color, IReadOnlyList<long> RequiredFieldIds);

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
    public static PipelineJson For(Pipeline pipeline, long accountId, ApiLinks links) => new(
        pipeline.Id,
        pipeline.Name,
        pipeline.Sort,
        pipeline.IsMain,
        false,
        false,
        accountId,
        links.To($"leads/pipelines/{pipeline.Id}"),
        new PipelineEmbeddedJson(pipeline.Statuses
            .Select(status => new StatusJson(
                status.Id, status.Name, status.Sort, true, pipeline.Id, status.Color, 0, accountId,
                links.To($"leads/pipelines/{pipeline.Id}/statuses/{status.Id}")))
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
