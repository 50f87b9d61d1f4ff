using System.Text.Json.Serialization;

namespace AmoHub.Sandbox.Seeding;

/// <summary>
/// What to seed an account with, so it looks like a real, large and messy amoCRM account. The same values make the
/// same data: everything comes from <c>new Random(Seed)</c>.
/// </summary>
/// <param name="Contacts">Contacts to make, deleted ones included; at most <see cref="MaxContacts"/>.</param>
/// <param name="Leads">Leads to make, each linked to a live contact; at most <see cref="MaxLeads"/>.</param>
/// <param name="DuplicatePhones">Phone numbers held by two or three live contacts each, in different spellings.</param>
/// <param name="Deleted">Contacts made deleted; none of them holds a duplicated phone.</param>
/// <param name="Pipelines">Pipelines the leads spread over, 1 to 50; the account gets the missing ones.</param>
/// <param name="Seed">The seed of the random numbers.</param>
public sealed record SandboxSeed(int Contacts, int Leads = 0, int DuplicatePhones = 0, int Deleted = 0, int Pipelines = 1, int Seed = 1)
{
    /// <summary>The most contacts one seeding makes.</summary>
    public const int MaxContacts = 1_000_000;

    /// <summary>The most leads one seeding makes.</summary>
    public const int MaxLeads = 1_000_000;

    /// <summary>The most pipelines an account may have.</summary>
    public const int MaxPipelines = 50;

    /// <summary>The most contacts one duplicated phone takes.</summary>
    public const int MaxHoldersPerPhone = 3;

    /// <summary>
    /// What is wrong with these values, by field as the control surface names it (<c>contacts</c>, <c>leads</c>,
    /// <c>duplicatePhones</c>, <c>deleted</c>, <c>pipelines</c>); empty when they can be seeded.
    /// </summary>
    public IReadOnlyDictionary<string, string> Problems()
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        var contactsValid = Require(problems, "contacts", Contacts, 0, MaxContacts);
        Require(problems, "leads", Leads, 0, MaxLeads);
        var duplicatesValid = Require(problems, "duplicatePhones", DuplicatePhones, 0, int.MaxValue);
        var deletedValid = Require(problems, "deleted", Deleted, 0, int.MaxValue);
        Require(problems, "pipelines", Pipelines, 1, MaxPipelines);
        if (!contactsValid)
        {
            return problems;
        }

        var holders = duplicatesValid ? (long)DuplicatePhones * MaxHoldersPerPhone : 0;
        if (holders > Contacts)
        {
            problems["duplicatePhones"] =
                $"must be at most contacts / {MaxHoldersPerPhone} = {Contacts / MaxHoldersPerPhone}: each duplicated phone takes up to {MaxHoldersPerPhone} contacts.";
        }

        var room = Contacts - Math.Min(holders, Contacts);
        if (deletedValid && Deleted > room)
        {
            problems["deleted"] = holders == 0
                ? "must be at most contacts."
                : $"must be at most contacts - {MaxHoldersPerPhone} × duplicatePhones = {room}: deleted contacts hold no duplicated phone.";
        }

        if (Leads > 0 && Deleted >= Contacts)
        {
            problems.TryAdd("leads", "needs a live contact to link: contacts must be more than deleted.");
        }

        return problems;
    }

    private static bool Require(Dictionary<string, string> problems, string field, int value, int min, int max)
    {
        if (value >= min && value <= max)
        {
            return true;
        }

        problems[field] = max == int.MaxValue ? $"must be at least {min}." : $"must be between {min} and {max}.";
        return false;
    }
}

/// <summary>What a seeding made, and a sample of it for tests to use.</summary>
/// <param name="Contacts">Contacts made, deleted ones included.</param>
/// <param name="Leads">Leads made.</param>
/// <param name="DuplicatePhones">Phone numbers held by two or three live contacts.</param>
/// <param name="Deleted">Contacts made deleted.</param>
/// <param name="Pipelines">Pipelines the leads were spread over.</param>
/// <param name="Sample">Some of each, spread over the made data.</param>
public sealed record SandboxSeedResult(int Contacts, int Leads, [property: JsonPropertyName("duplicatePhones")] int DuplicatePhones, int Deleted, int Pipelines, SandboxSeedSample Sample);

/// <summary>Up to 20 of each kind of seeded data, in id order.</summary>
/// <param name="Contacts">Live contacts with their phone as stored.</param>
/// <param name="DuplicatePhones">Duplicated phones with the contacts holding them.</param>
/// <param name="Deleted">Ids of deleted contacts.</param>
public sealed record SandboxSeedSample(IReadOnlyList<SeededContact> Contacts, [property: JsonPropertyName("duplicatePhones")] IReadOnlyList<SeededPhone> DuplicatePhones, IReadOnlyList<long> Deleted);

/// <summary>A live seeded contact.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Phone">Its phone as stored, such as <c>8 903 123-45-67</c>.</param>
/// <param name="Name">Its name.</param>
public sealed record SeededContact(long Id, string Phone, string Name);

/// <summary>A phone number several contacts hold, each spelling it differently.</summary>
/// <param name="Phone">The number in E.164, such as <c>+79031234567</c>.</param>
/// <param name="ContactIds">The contacts holding it, by id.</param>
public sealed record SeededPhone(string Phone, IReadOnlyList<long> ContactIds);
