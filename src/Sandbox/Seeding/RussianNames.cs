namespace AmoHub.Sandbox.Seeding;

/// <summary>A contact's name as people type it into amoCRM: full, partial, lower-case, with initials or a company.</summary>
/// <param name="Name">The full name.</param>
/// <param name="FirstName">The first name, or empty when only the full name was typed.</param>
/// <param name="LastName">The last name, or empty.</param>
internal readonly record struct PersonName(string Name, string FirstName, string LastName);

/// <summary>Russian-looking names for seeded contacts.</summary>
internal static class RussianNames
{
    private static readonly string[] MaleFirstNames =
    [
        "Александр", "Алексей", "Андрей", "Антон", "Артём", "Борис", "Вадим", "Валерий", "Василий", "Виктор",
        "Виталий", "Владимир", "Владислав", "Вячеслав", "Геннадий", "Георгий", "Глеб", "Григорий", "Даниил", "Денис",
        "Дмитрий", "Евгений", "Егор", "Иван", "Игорь", "Илья", "Кирилл", "Константин", "Лев", "Леонид",
        "Максим", "Марк", "Матвей", "Михаил", "Никита", "Николай", "Олег", "Павел", "Пётр", "Роман",
        "Руслан", "Сергей", "Станислав", "Степан", "Тимофей", "Тимур", "Фёдор", "Юрий", "Ярослав", "Арсений",
    ];

    private static readonly string[] FemaleFirstNames =
    [
        "Алёна", "Алина", "Алла", "Анастасия", "Ангелина", "Анна", "Валентина", "Валерия", "Вера", "Вероника",
        "Виктория", "Галина", "Дарья", "Диана", "Евгения", "Екатерина", "Елена", "Елизавета", "Жанна", "Зоя",
        "Инна", "Ирина", "Карина", "Кристина", "Ксения", "Лариса", "Лидия", "Любовь", "Людмила", "Маргарита",
        "Марина", "Мария", "Надежда", "Наталья", "Нина", "Оксана", "Ольга", "Полина", "Светлана", "Софья",
        "Таисия", "Тамара", "Татьяна", "Ульяна", "Юлия", "Яна", "Варвара", "Милана", "Эльвира", "Регина",
    ];

    /// <summary>Male forms; the female form is derived (<c>-ов</c> → <c>-ова</c>, <c>-ский</c> → <c>-ская</c>, the rest as is).</summary>
    private static readonly string[] MaleLastNames =
    [
        "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров",
        "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев",
        "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев",
        "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв",
        "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов",
        "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев", "Герасимов", "Богданов", "Осипов", "Сидоров",
        "Матвеев", "Титов", "Марков", "Миронов", "Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Денисов",
        "Гаврилов", "Тихонов", "Казаков", "Афанасьев", "Данилов", "Савельев", "Тимофеев", "Фомин", "Чернов", "Абрамов",
        "Мартынов", "Ефимов", "Федотов", "Щербаков", "Назаров", "Калинин", "Исаев", "Чернышёв", "Быков", "Маслов",
        "Родионов", "Коновалов", "Лазарев", "Воронин", "Климов", "Филатов", "Пономарёв", "Голубев", "Кудрявцев", "Прохоров",
        "Вишневский", "Островский", "Покровский", "Успенский", "Троицкий", "Шевченко", "Бондаренко", "Коваленко", "Ткаченко", "Ким",
    ];

    private static readonly string[] FemaleLastNames = MaleLastNames.Select(Feminine).ToArray();

    private static readonly string[] MailDomains = ["mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru", "list.ru"];

    /// <summary>The Latin letters of each Russian one, as people spell their names in email addresses.</summary>
    private static readonly Dictionary<char, string> Latin = new()
    {
        ['а'] = "a", ['б'] = "b", ['в'] = "v", ['г'] = "g", ['д'] = "d", ['е'] = "e", ['ё'] = "e", ['ж'] = "zh", ['з'] = "z",
        ['и'] = "i", ['й'] = "y", ['к'] = "k", ['л'] = "l", ['м'] = "m", ['н'] = "n", ['о'] = "o", ['п'] = "p", ['р'] = "r",
        ['с'] = "s", ['т'] = "t", ['у'] = "u", ['ф'] = "f", ['х'] = "kh", ['ц'] = "ts", ['ч'] = "ch", ['ш'] = "sh",
        ['щ'] = "shch", ['ъ'] = "", ['ы'] = "y", ['ь'] = "", ['э'] = "e", ['ю'] = "yu", ['я'] = "ya",
    };

    /// <summary>Male patronymics; the female form ends in <c>-на</c> instead of <c>-ич</c>.</summary>
    private static readonly string[] MalePatronymics =
    [
        "Александрович", "Алексеевич", "Андреевич", "Викторович", "Владимирович", "Дмитриевич", "Евгеньевич", "Иванович",
        "Игоревич", "Михайлович", "Николаевич", "Олегович", "Павлович", "Петрович", "Сергеевич", "Юрьевич",
        "Анатольевич", "Борисович", "Геннадьевич", "Васильевич",
    ];

    private static readonly string[] FemalePatronymics = MalePatronymics.Select(name => name[..^2] + "на").ToArray();

    private static readonly string[] Companies =
    [
        "ООО «Вектор»", "ООО «Ромашка»", "АО «Стройинвест»", "ИП", "ООО «Техносервис»", "ООО «Альфа-Трейд»",
        "магазин «Уют»", "кафе «Берёзка»", "ООО «СибЛогистик»", "ТК «Меридиан»", "салон «Шарм»", "автосервис",
    ];

    /// <summary>The next name from <paramref name="random"/>.</summary>
    public static PersonName Next(Random random)
    {
        var female = random.Next(2) == 0;
        var first = Pick(random, female ? FemaleFirstNames : MaleFirstNames);
        var last = Pick(random, female ? FemaleLastNames : MaleLastNames);
        var form = random.Next(100);
        return form switch
        {
            < 35 => new PersonName($"{first} {last}", first, last),
            < 53 => new PersonName($"{last} {first} {Pick(random, female ? FemalePatronymics : MalePatronymics)}", first, last),
            < 68 => new PersonName(first, first, ""),
            < 76 => new PersonName($"{last} {first}", first, last),
            < 82 => new PersonName($"{first} {last}".ToLowerInvariant(), "", ""),
            < 88 => new PersonName($"{first} {last[0]}.", first, ""),
            < 94 => new PersonName($"{first}, {Pick(random, Companies)}", "", ""),
            _ => new PersonName($"{last} {first[0]}. {Pick(random, female ? FemalePatronymics : MalePatronymics)[0]}.", "", last),
        };
    }

    /// <summary>
    /// An address made of the first and last name in Latin letters, such as <c>anna.smirnova@mail.ru</c>, on the domain
    /// <paramref name="number"/> picks; <c>null</c> when the name lacks either. Namesakes may share an address, as in
    /// real accounts. It has no digits, so no phone search finds it.
    /// </summary>
    public static string? Email(PersonName name, int number) =>
        name.FirstName.Length == 0 || name.LastName.Length == 0
            ? null
            : $"{ToLatin(name.FirstName)}.{ToLatin(name.LastName)}@{MailDomains[number % MailDomains.Length]}";

    private static string Pick(Random random, string[] names) => names[random.Next(names.Length)];

    private static string ToLatin(string name) => string.Concat(name.Select(letter => Latin[char.ToLowerInvariant(letter)]));

    private static string Feminine(string lastName) => lastName switch
    {
        _ when lastName.EndsWith("ий", StringComparison.Ordinal) => lastName[..^2] + "ая",
        _ when lastName.EndsWith("ов", StringComparison.Ordinal) || lastName.EndsWith("ёв", StringComparison.Ordinal)
            || lastName.EndsWith("ев", StringComparison.Ordinal) || lastName.EndsWith("ин", StringComparison.Ordinal) => lastName + "а",
        _ => lastName,
    };
}
