using System.Globalization;
using AmoHub.Sandbox.Contacts;
using AmoHub.Sandbox.Leads;

namespace AmoHub.Sandbox.Seeding;

/// <summary>The records one seeding makes, for the account to take in as they are.</summary>
/// <param name="Live">Live contacts, by id.</param>
/// <param name="Deleted">Deleted contacts, by id.</param>
/// <param name="Leads">Leads, by id.</param>
/// <param name="Result">The counts and the sample to answer.</param>
internal sealed record SeedBatch(
    IReadOnlyList<SandboxContact> Live, IReadOnlyList<SandboxContact> Deleted, IReadOnlyList<SandboxLead> Leads, SandboxSeedResult Result);

/// <summary>
/// Makes the data of a seeding in one pass: contacts with Russian-looking names and phones in the spellings people
/// use, some numbers shared by two or three contacts, some contacts with an email too, some deleted, leads over several
/// pipelines. Everything
/// comes from <c>new Random(seed)</c> in a fixed order, and times are spread over the five years before
/// <see cref="Until"/>, so the same seed and the same first ids give the same data on any day.
/// </summary>
internal static class SeedGenerator
{
    /// <summary>The end of the seeded past: no seeded time is later.</summary>
    public static readonly DateTimeOffset Until = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private const long Span = 5 * 365 * 86_400L;
    private const int SampleSize = 20;

    /// <summary>Percent of contacts whose single phone carries an extension.</summary>
    private const int ExtensionPercent = 4;

    /// <summary>Every this many contacts, one has an EMAIL besides its phone (when its name makes an address).</summary>
    private const int EmailEvery = 3;

    private static readonly long UntilSeconds = Until.ToUnixTimeSeconds();
    private static readonly long Since = UntilSeconds - Span;

    private static readonly string[] Products = ["поставка", "монтаж", "консультация", "подписка", "доставка", "ремонт", "обучение"];

    /// <summary>
    /// Makes the data of <paramref name="seed"/> (already checked: <see cref="SandboxSeed.Problems"/> is empty) with
    /// ids from <paramref name="firstContactId"/> and <paramref name="firstLeadId"/> on, leads spread over
    /// <paramref name="pipelines"/>.
    /// </summary>
    public static SeedBatch Generate(SandboxSeed seed, long firstContactId, long firstLeadId, IReadOnlyList<Pipeline> pipelines, long userId)
    {
        var random = new Random(seed.Seed);
        var count = seed.Contacts;

        // Who plays which part: in a shuffled order, the first contacts hold the duplicated phones (2 or 3 each, in
        // different spellings), the next ones are deleted, the rest have a number of their own.
        var order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        var groupOf = new int[count];
        Array.Fill(groupOf, -1);
        var spellingOf = new int[count];
        var groups = new List<int[]>(seed.DuplicatePhones);
        var next = 0;
        for (var group = 0; group < seed.DuplicatePhones; group++)
        {
            var holders = order.AsSpan(next, random.Next(2, SandboxSeed.MaxHoldersPerPhone + 1)).ToArray();
            next += holders.Length;
            var spellings = DistinctSpellings(random, holders.Length);
            for (var i = 0; i < holders.Length; i++)
            {
                groupOf[holders[i]] = group;
                spellingOf[holders[i]] = spellings[i];
            }

            Array.Sort(holders);
            groups.Add(holders);
        }

        var deleted = new bool[count];
        foreach (var position in order.AsSpan(next, seed.Deleted))
        {
            deleted[position] = true;
        }

        // Number k has subscriber (k * step + offset) mod 10^7: a step prime to 10 makes every number distinct.
        var step = random.Next(1_000_000, PhoneSpellings.Subscribers);
        while (step % 2 == 0 || step % 5 == 0)
        {
            step++;
        }

        var offset = random.Next(PhoneSpellings.Subscribers);
        var codes = new int[seed.DuplicatePhones];
        for (var group = 0; group < codes.Length; group++)
        {
            codes[group] = PhoneSpellings.OperatorCode(random);
        }

        var live = new List<SandboxContact>(count - seed.Deleted);
        var deletedContacts = new List<SandboxContact>(seed.Deleted);
        var singles = 0;
        for (var position = 0; position < count; position++)
        {
            var group = groupOf[position];
            var number = group >= 0 ? group : seed.DuplicatePhones + singles++;
            var code = group >= 0 ? codes[group] : PhoneSpellings.OperatorCode(random);
            var phone = PhoneSpellings.Write(code, Subscriber(number, step, offset), group >= 0 ? spellingOf[position] : random.Next(PhoneSpellings.Count));
            if (group < 0 && random.Next(100) < ExtensionPercent)
            {
                phone = PhoneSpellings.WithExtension(phone, random);
            }

            var name = RussianNames.Next(random);
            var createdAt = Since + (long)(Span * ((position + random.NextDouble()) / count));
            var updatedAt = random.Next(10) < 6 ? createdAt : createdAt + (long)((UntilSeconds - createdAt) * random.NextDouble());
            var email = position % EmailEvery == 0 ? RussianNames.Email(name, position / EmailEvery) : null;
            var contact = new SandboxContact(
                firstContactId + position,
                name.Name,
                name.FirstName,
                name.LastName,
                [new SandboxFieldValue(phone, PhoneKind(random))],
                email is null ? [] : [new SandboxFieldValue(email, position % 2 == 0 ? "WORK" : "PRIV")],
                userId,
                userId,
                createdAt,
                updatedAt,
                [],
                []);
            (deleted[position] ? deletedContacts : live).Add(contact);
        }

        var leads = MakeLeads(seed, random, firstLeadId, pipelines, live, userId);
        var sample = new SandboxSeedSample(
            Spread(live).Select(contact => new SeededContact(contact.Id, contact.Phones[0].Value, contact.Name)).ToList(),
            Spread(groups.OrderBy(holders => holders[0]).ToList())
                .Select(holders => new SeededPhone(
                    PhoneSpellings.E164(codes[groupOf[holders[0]]], Subscriber(groupOf[holders[0]], step, offset)),
                    holders.Select(position => firstContactId + position).ToList()))
                .ToList(),
            Spread(deletedContacts).Select(contact => contact.Id).ToList());
        return new SeedBatch(
            live,
            deletedContacts,
            leads,
            new SandboxSeedResult(count, seed.Leads, seed.DuplicatePhones, seed.Deleted, pipelines.Count, sample));
    }

    /// <summary>
    /// Leads created over the same five years, spread evenly but in random order over the pipelines, each linked to a
    /// random live contact that existed by then (the earliest one when none did, the lead then no older than it).
    /// </summary>
    private static List<SandboxLead> MakeLeads(
        SandboxSeed seed, Random random, long firstLeadId, IReadOnlyList<Pipeline> pipelines, List<SandboxContact> live, long userId)
    {
        var pipelineOf = new int[seed.Leads];
        for (var i = 0; i < pipelineOf.Length; i++)
        {
            pipelineOf[i] = i % pipelines.Count;
        }

        random.Shuffle(pipelineOf);
        var openStatuses = pipelines.Select(pipeline => pipeline.Statuses.Where(status => !Pipeline.IsClosed(status.Id)).ToArray()).ToArray();
        var leads = new List<SandboxLead>(seed.Leads);
        for (var i = 0; i < seed.Leads; i++)
        {
            var id = firstLeadId + i;
            var createdAt = Since + (long)(Span * ((i + random.NextDouble()) / seed.Leads));
            var existing = CreatedBy(live, createdAt);
            var contact = live[existing == 0 ? 0 : random.Next(existing)];
            createdAt = Math.Max(createdAt, contact.CreatedAt);
            var pipeline = pipelines[pipelineOf[i]];
            var outcome = random.Next(100);
            var statusId = outcome switch
            {
                < 25 => Pipeline.WonStatusId,
                < 40 => Pipeline.LostStatusId,
                _ => openStatuses[pipelineOf[i]][random.Next(openStatuses[pipelineOf[i]].Length)].Id,
            };
            var closed = Pipeline.IsClosed(statusId);
            var updatedAt = !closed && random.Next(10) < 3 ? createdAt : createdAt + (long)((UntilSeconds - createdAt) * random.NextDouble());
            var price = random.Next(5) == 0 ? 0 : random.Next(10, 5_000) * 100L;
            leads.Add(new SandboxLead(
                id, LeadName(random, id, contact), price, pipeline.Id, statusId, closed ? updatedAt : null,
                [new SandboxLeadContact(contact.Id, IsMain: true)], userId, userId, createdAt, updatedAt, [], []));
        }

        return leads;
    }

    private static string LeadName(Random random, long id, SandboxContact contact) => random.Next(10) switch
    {
        < 4 => string.Create(CultureInfo.InvariantCulture, $"Сделка #{id}"),
        < 7 => string.Create(CultureInfo.InvariantCulture, $"Заявка с сайта {random.Next(1, 29):D2}.{random.Next(1, 13):D2}"),
        _ => $"{contact.Name} — {Products[random.Next(Products.Length)]}",
    };

    /// <summary><paramref name="count"/> different spellings, so the holders of one number write it differently.</summary>
    private static int[] DistinctSpellings(Random random, int count)
    {
        var spellings = new int[count];
        for (var i = 0; i < count; i++)
        {
            do
            {
                spellings[i] = random.Next(PhoneSpellings.Count);
            }
            while (spellings.AsSpan(0, i).Contains(spellings[i]));
        }

        return spellings;
    }

    private static int Subscriber(int number, int step, int offset) =>
        (int)(((long)number * step + offset) % PhoneSpellings.Subscribers);

    private static string PhoneKind(Random random) => random.Next(20) switch
    {
        < 10 => "WORK",
        < 17 => "MOB",
        < 19 => "HOME",
        _ => "OTHER",
    };

    /// <summary>How many of <paramref name="contacts"/> (ordered by creation) were created by <paramref name="time"/>.</summary>
    private static int CreatedBy(List<SandboxContact> contacts, long time)
    {
        var (low, high) = (0, contacts.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            (low, high) = contacts[middle].CreatedAt <= time ? (middle + 1, high) : (low, middle);
        }

        return low;
    }

    /// <summary>Up to <see cref="SampleSize"/> items spread evenly over <paramref name="items"/>, in their order.</summary>
    private static IEnumerable<T> Spread<T>(IReadOnlyList<T> items)
    {
        var size = Math.Min(SampleSize, items.Count);
        return Enumerable.Range(0, size).Select(i => items[(int)((long)i * items.Count / size)]);
    }
}
