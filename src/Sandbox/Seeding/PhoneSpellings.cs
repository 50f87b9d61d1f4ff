using System.Globalization;

namespace AmoHub.Sandbox.Seeding;

/// <summary>
/// Russian mobile numbers written the ways people type them into amoCRM's free-text PHONE field:
/// <c>8 903 123-45-67</c>, <c>+7 (903) 123-45-67</c>, <c>79031234567</c>, <c>8-903-123-45-67</c>,
/// <c>+7 903 1234567</c> and more, some with an extension (<c>доб. 12</c>, <c>ext. 12</c>).
/// </summary>
internal static class PhoneSpellings
{
    /// <summary>How many spellings <see cref="Write"/> knows.</summary>
    public const int Count = 12;

    /// <summary>Subscriber numbers are seven digits.</summary>
    public const int Subscribers = 10_000_000;

    /// <summary>Mobile operator codes (DEF codes) in use in Russia.</summary>
    private static readonly int[] OperatorCodes =
    [
        900, 901, 902, 903, 904, 905, 906, 908, 909, 910, 911, 912, 913, 914, 915, 916, 917, 918, 919,
        920, 921, 922, 923, 924, 925, 926, 927, 928, 929, 930, 931, 932, 933, 934, 936, 937, 938, 939,
        950, 951, 952, 953, 958, 960, 961, 962, 963, 964, 965, 966, 967, 968, 969, 977, 978,
        980, 981, 982, 983, 984, 985, 986, 987, 988, 989, 991, 992, 993, 994, 995, 996, 997, 999,
    ];

    private static readonly string[] Extensions = [" доб. ", " ext. ", " доб.", ", доб. ", " (доб. "];

    /// <summary>A random operator code.</summary>
    public static int OperatorCode(Random random) => OperatorCodes[random.Next(OperatorCodes.Length)];

    /// <summary>The number in E.164, such as <c>+79031234567</c>.</summary>
    public static string E164(int operatorCode, int subscriber) =>
        string.Create(CultureInfo.InvariantCulture, $"+7{operatorCode}{subscriber:D7}");

    /// <summary>
    /// The number written in spelling <paramref name="spelling"/> (0 to <see cref="Count"/> - 1): the first five are
    /// <c>8 903 123-45-67</c>, <c>+7 (903) 123-45-67</c>, <c>79031234567</c>, <c>8-903-123-45-67</c> and
    /// <c>+7 903 1234567</c>.
    /// </summary>
    public static string Write(int operatorCode, int subscriber, int spelling)
    {
        var code = operatorCode;
        var head = subscriber / 10_000;
        var middle = subscriber / 100 % 100;
        var tail = subscriber % 100;
        var invariant = CultureInfo.InvariantCulture;
        return spelling switch
        {
            0 => string.Create(invariant, $"8 {code} {head:D3}-{middle:D2}-{tail:D2}"),
            1 => string.Create(invariant, $"+7 ({code}) {head:D3}-{middle:D2}-{tail:D2}"),
            2 => string.Create(invariant, $"7{code}{subscriber:D7}"),
            3 => string.Create(invariant, $"8-{code}-{head:D3}-{middle:D2}-{tail:D2}"),
            4 => string.Create(invariant, $"+7 {code} {subscriber:D7}"),
            5 => string.Create(invariant, $"8{code}{subscriber:D7}"),
            6 => string.Create(invariant, $"+7{code}{subscriber:D7}"),
            7 => string.Create(invariant, $"8 ({code}) {head:D3} {middle:D2} {tail:D2}"),
            8 => string.Create(invariant, $"+7-{code}-{head:D3}-{middle:D2}{tail:D2}"),
            9 => string.Create(invariant, $"7 {code} {head:D3} {middle:D2}-{tail:D2}"),
            10 => string.Create(invariant, $"+7 {code}{head:D3}-{middle:D2}-{tail:D2}"),
            11 => string.Create(invariant, $"8 {code}-{subscriber:D7}"),
            _ => throw new ArgumentOutOfRangeException(nameof(spelling), spelling, $"A spelling is 0 to {Count - 1}."),
        };
    }

    /// <summary><paramref name="phone"/> with a random extension, such as <c> доб. 12</c> or <c> ext. 12</c>.</summary>
    public static string WithExtension(string phone, Random random)
    {
        var prefix = Extensions[random.Next(Extensions.Length)];
        var number = random.Next(2) == 0 ? random.Next(10, 100) : random.Next(100, 1_000);
        var suffix = prefix.Contains('(', StringComparison.Ordinal) ? ")" : "";
        return string.Create(CultureInfo.InvariantCulture, $"{phone}{prefix}{number}{suffix}");
    }
}
