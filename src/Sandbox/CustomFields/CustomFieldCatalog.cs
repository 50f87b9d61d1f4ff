using AmoHub.Sandbox.Leads;

namespace AmoHub.Sandbox.CustomFields;

/// <summary>
/// The custom fields of every sandbox account, the same ids in each, as every account has the same main pipeline:
/// amoCRM's predefined ones (PHONE, EMAIL and POSITION of contacts, the UTM tracking fields of leads) and a few an
/// account adds, one of each type a web form fills. Field ids are 70001–70199, enum ids 80001–80199: apart from
/// pipeline, status and entity ids.
/// </summary>
internal static class CustomFieldCatalog
{
    public static readonly CustomField Phone = new(
        70_001, "Телефон", "PHONE", CustomFieldType.Multitext, 4, true, Enums(80_001, "WORK", "WORKDD", "MOB", "FAX", "HOME", "OTHER"));

    public static readonly CustomField Email = new(70_003, "Email", "EMAIL", CustomFieldType.Multitext, 6, true, Enums(80_013, "WORK", "PRIV", "OTHER"));

    /// <summary>The fields of contacts, in the order amoCRM lists them (by sort).</summary>
    public static IReadOnlyList<CustomField> Contacts { get; } =
    [
        new(70_005, "Должность", "POSITION", CustomFieldType.Text, 2, true, null),
        Phone,
        Email,
        new(70_007, "Город", "CITY", CustomFieldType.Text, 500, false, null),
        new(70_009, "Источник", null, CustomFieldType.Select, 501, false, Enums(80_019, "Сайт", "Реклама", "Рекомендация", "Выставка")),
        new(70_011, "Дата рождения", null, CustomFieldType.Date, 502, false, null),
        new(70_013, "Сайт компании", null, CustomFieldType.Url, 503, false, null),
    ];

    /// <summary>The fields of leads, in the order amoCRM lists them (by sort).</summary>
    public static IReadOnlyList<CustomField> Leads { get; } =
    [
        new(ContractField.Id, ContractField.Name, null, CustomFieldType.Text, 510, false, null),
        new(70_103, "utm_source", "UTM_SOURCE", CustomFieldType.TrackingData, 520, true, null),
        new(70_105, "utm_medium", "UTM_MEDIUM", CustomFieldType.TrackingData, 521, true, null),
        new(70_107, "utm_campaign", "UTM_CAMPAIGN", CustomFieldType.TrackingData, 522, true, null),
        new(70_109, "utm_content", "UTM_CONTENT", CustomFieldType.TrackingData, 523, true, null),
        new(70_111, "utm_term", "UTM_TERM", CustomFieldType.TrackingData, 524, true, null),
        new(70_113, "Комментарий с сайта", null, CustomFieldType.Text, 530, false, null),
        new(70_115, "Бюджет клиента", null, CustomFieldType.Numeric, 531, false, null),
        new(70_117, "Продукт", null, CustomFieldType.Select, 532, false, Enums(80_101, "Поставка", "Монтаж", "Обслуживание", "Консультация")),
        new(70_119, "Каналы связи", null, CustomFieldType.Multiselect, 533, false, Enums(80_109, "Телефон", "Email", "Telegram", "WhatsApp")),
        new(70_121, "Согласие на рассылку", null, CustomFieldType.Checkbox, 534, false, null),
        new(70_123, "Пожелания клиента", null, CustomFieldType.Textarea, 535, false, null),
    ];

    /// <summary>The fields of <paramref name="type"/>, in the order amoCRM lists them (by sort).</summary>
    public static IReadOnlyList<CustomField> For(SandboxEntityType type) => type == SandboxEntityType.Leads ? Leads : Contacts;

    /// <summary>Enums with ids from <paramref name="firstId"/> on, every other number, in the order given.</summary>
    private static CustomFieldEnum[] Enums(long firstId, params string[] values) =>
        values.Select((value, i) => new CustomFieldEnum(firstId + (2 * i), value, i + 1)).ToArray();
}
