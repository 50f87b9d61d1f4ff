using System.Data;
using System.Data.Common;
using AmoHub.Grains.Interfaces.Crm;
using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Storage;

namespace AmoHub.Grains.Crm;

/// <summary>
/// The queryable copy of contacts and leads: <c>contacts</c>, <c>contact_phones</c>, <c>contact_emails</c> and <c>leads</c>. Contact and
/// lead grains write it on every change (idempotent upserts); dedup checks and list queries read it.
/// </summary>
public sealed class CrmReadModel(AmoHubDatabase database)
{
    /// <summary>The phones of an account that more than one contact holds.</summary>
    private const string SharedPhones = "SELECT phone FROM contact_phones WHERE account = @account GROUP BY phone HAVING COUNT(DISTINCT amocrm_id) > 1";

    private static readonly string[] ContactColumns = ["account", "amocrm_id", "name", "name_key", "phone", "created_at", "updated_at"];
    private static readonly string[] LeadColumns = ["account", "amocrm_id", "name", "name_key", "status_id", "pipeline_id", "contact_amocrm_id", "contact_id", "created_at", "updated_at"];

    private readonly string _upsertContact = Sql.Upsert(database.Provider, "contacts", ContactColumns, ["account", "amocrm_id"], ["name", "name_key", "phone", "created_at", "updated_at"]);
    private readonly string _upsertLead = Sql.Upsert(database.Provider, "leads", LeadColumns, ["account", "amocrm_id"], ["name", "name_key", "status_id", "pipeline_id", "contact_amocrm_id", "contact_id", "created_at", "updated_at"]);

    /// <summary>Longest name the read model keeps; the grain keeps the whole name.</summary>
    public const int NameLength = 1000;

    /// <summary>Longest name key and phone the read model keeps.</summary>
    private const int KeyLength = 255;
    private const int PhoneLength = 64;

    /// <summary>The <c>name_key</c> of a name: <see cref="NameKeys"/>' key, cut to the column.</summary>
    public static string NameKeyOf(string name) => Sql.Fit(NameKeys.Normalize(name), KeyLength);

    /// <summary>Writes a contact and replaces its phones and emails, in one transaction; links leads waiting for it.</summary>
    public Task UpsertContactAsync(string account, ContactSnapshot contact)
    {
        ArgumentNullException.ThrowIfNull(contact);
        return RetryingAsync(() => UpsertContactOnceAsync(account, contact));
    }

    private async Task UpsertContactOnceAsync(string account, ContactSnapshot contact)
    {
        await using var write = await database.OpenWriteAsync(CancellationToken.None);
        var connection = write.Connection;
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted);
        await ExecuteAsync(connection, transaction, _upsertContact, command => command
            .With("@account", account)
            .With("@amocrm_id", contact.AmoCrmId)
            .With("@name", Sql.Fit(contact.Name, NameLength))
            .With("@name_key", NameKeyOf(contact.Name))
            .With("@phone", contact.Phones.IsDefaultOrEmpty ? null : Sql.Fit(contact.Phones[0], PhoneLength))
            .With("@created_at", contact.CreatedAt.ToUnixTimeMilliseconds())
            .With("@updated_at", contact.UpdatedAt.ToUnixTimeMilliseconds()));
        await ReplaceValuesAsync(connection, transaction, "contact_phones", "phone", account, contact.AmoCrmId,
            contact.Phones.IsDefault ? [] : contact.Phones.Select(p => Sql.Fit(p, PhoneLength)));
        await ReplaceValuesAsync(connection, transaction, "contact_emails", "email", account, contact.AmoCrmId,
            contact.Emails.Select(e => Sql.Fit(e, EmailAddresses.MaxLength)));

        await ExecuteAsync(connection, transaction,
            "UPDATE leads SET contact_id = (SELECT id FROM contacts WHERE account = @account AND amocrm_id = @amocrm_id) WHERE account = @account AND contact_amocrm_id = @amocrm_id AND contact_id IS NULL",
            command => command.With("@account", account).With("@amocrm_id", contact.AmoCrmId));
        await transaction.CommitAsync();
    }

    /// <summary>Removes a contact, its phones and emails; its leads keep their amoCRM link but lose the row link.</summary>
    public Task DeleteContactAsync(string account, long amoCrmId) => RetryingAsync(() => DeleteContactOnceAsync(account, amoCrmId));

    private async Task DeleteContactOnceAsync(string account, long amoCrmId)
    {
        await using var write = await database.OpenWriteAsync(CancellationToken.None);
        var connection = write.Connection;
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted);
        foreach (var sql in new[]
                 {
                     "UPDATE leads SET contact_id = NULL WHERE account = @account AND contact_amocrm_id = @amocrm_id",
                     "DELETE FROM contact_phones WHERE account = @account AND amocrm_id = @amocrm_id",
                     "DELETE FROM contact_emails WHERE account = @account AND amocrm_id = @amocrm_id",
                     "DELETE FROM contacts WHERE account = @account AND amocrm_id = @amocrm_id",
                 })
        {
            await ExecuteAsync(connection, transaction, sql, command => command.With("@account", account).With("@amocrm_id", amoCrmId));
        }

        await transaction.CommitAsync();
    }

    /// <summary>Writes a lead, linked to its main contact's row when we have it.</summary>
    public Task UpsertLeadAsync(string account, LeadSnapshot lead)
    {
        ArgumentNullException.ThrowIfNull(lead);
        return RetryingAsync(() => UpsertLeadOnceAsync(account, lead));
    }

    private async Task UpsertLeadOnceAsync(string account, LeadSnapshot lead)
    {
        await using var write = await database.OpenWriteAsync(CancellationToken.None);
        var connection = write.Connection;
        long? contactRow = null;
        if (lead.MainContactId is { } contactId)
        {
            await using var find = connection.CreateCommand();
            find.CommandText = "SELECT id FROM contacts WHERE account = @account AND amocrm_id = @amocrm_id";
            find.With("@account", account).With("@amocrm_id", contactId);
            var found = await find.ExecuteScalarAsync();
            contactRow = found is null or DBNull ? null : Convert.ToInt64(found, System.Globalization.CultureInfo.InvariantCulture);
        }

        await ExecuteAsync(connection, null, _upsertLead, command => command
            .With("@account", account)
            .With("@amocrm_id", lead.AmoCrmId)
            .With("@name", Sql.Fit(lead.Name, NameLength))
            .With("@name_key", NameKeyOf(lead.Name))
            .With("@status_id", lead.StatusId)
            .With("@pipeline_id", lead.PipelineId)
            .With("@contact_amocrm_id", lead.MainContactId)
            .With("@contact_id", contactRow)
            .With("@created_at", lead.CreatedAt.ToUnixTimeMilliseconds())
            .With("@updated_at", lead.UpdatedAt.ToUnixTimeMilliseconds()));
    }

    /// <summary>Removes a lead.</summary>
    public Task DeleteLeadAsync(string account, long amoCrmId) => RetryingAsync(async () =>
    {
        await using var write = await database.OpenWriteAsync(CancellationToken.None);
        var connection = write.Connection;
        await ExecuteAsync(connection, null, "DELETE FROM leads WHERE account = @account AND amocrm_id = @amocrm_id",
            command => command.With("@account", account).With("@amocrm_id", amoCrmId));
    });

    /// <summary>
    /// Runs a write again when the engine says it may succeed on a retry: InnoDB picks a victim when concurrent
    /// upserts of one account's rows lock each other, and SQLite may stay busy past its timeout under load.
    /// </summary>
    private static async Task RetryingAsync(Func<Task> write)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await write();
                return;
            }
            catch (DbException exception) when (exception.IsTransient && attempt < 8)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20) * attempt));
            }
        }
    }

    /// <summary>The amoCRM id of the oldest contact we know with this E.164 phone.</summary>
    public Task<long?> FindContactByPhoneAsync(string account, string phone) =>
        ScalarAsync("SELECT MIN(amocrm_id) FROM contact_phones WHERE account = @account AND phone = @key", account, phone);

    /// <summary>The amoCRM id of the oldest contact we know with this email (in the form of <see cref="EmailAddresses"/>).</summary>
    public Task<long?> FindContactByEmailAsync(string account, string email) =>
        ScalarAsync("SELECT MIN(amocrm_id) FROM contact_emails WHERE account = @account AND email = @key", account, email);

    /// <summary>The amoCRM ids of every contact (<paramref name="leads"/> false) or lead our copy holds for the account.</summary>
    public async Task<IReadOnlyList<long>> IdsAsync(string account, bool leads)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = leads ? "SELECT amocrm_id FROM leads WHERE account = @account" : "SELECT amocrm_id FROM contacts WHERE account = @account";
        command.With("@account", account);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<long>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    /// <summary>
    /// The amoCRM ids of the leads whose stored key matches this name's, oldest first. A key longer than the column
    /// is stored cut, so names that share the first 255 characters of their key share a row key: the caller compares
    /// the whole names.
    /// </summary>
    public async Task<IReadOnlyList<long>> FindLeadsByNameAsync(string account, string name)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT amocrm_id FROM leads WHERE account = @account AND name_key = @key ORDER BY amocrm_id LIMIT 50";
        command.With("@account", account).With("@key", NameKeyOf(name));
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<long>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetLong(0));
        }

        return ids;
    }

    /// <summary>How many phones more than one contact holds.</summary>
    public async Task<long> CountDuplicatePhonesAsync(string account)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        return await CountAsync(connection, $"SELECT COUNT(*) FROM ({SharedPhones}) shared", command => command.With("@account", account));
    }

    /// <summary>Phones more than one contact holds, in phone order, each with its contacts' ids oldest first.</summary>
    public async Task<Page<DuplicatePhone>> ListDuplicatePhonesAsync(string account, int page, int pageSize)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        var total = await CountAsync(connection, $"SELECT COUNT(*) FROM ({SharedPhones}) shared", command => command.With("@account", account));
        var phones = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"{SharedPhones} ORDER BY phone LIMIT @take OFFSET @skip";
            command.With("@account", account).With("@take", pageSize).With("@skip", (page - 1) * pageSize);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                phones.Add(reader.GetString(0));
            }
        }

        var holders = phones.ToDictionary(phone => phone, _ => new SortedSet<long>(), StringComparer.Ordinal);
        if (phones.Count > 0)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT phone, amocrm_id FROM contact_phones WHERE account = @account AND phone IN ({string.Join(", ", phones.Select((_, i) => $"@phone{i}"))})";
            command.With("@account", account);
            for (var i = 0; i < phones.Count; i++)
            {
                command.With($"@phone{i}", phones[i]);
            }

            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                holders[reader.GetString(0)].Add(reader.GetLong(1));
            }
        }

        return new Page<DuplicatePhone>(phones.Select(phone => new DuplicatePhone(phone, [.. holders[phone]])).ToList(), page, pageSize, total);
    }

    /// <summary>Contacts with this phone, this email and/or whose name contains <paramref name="name"/>, newest first.</summary>
    public async Task<Page<ContactSnapshot>> ListContactsAsync(string account, string? phone, string? email, string? name, int page, int pageSize)
    {
        var filter = "c.account = @account";
        if (phone is not null)
        {
            filter += " AND c.amocrm_id IN (SELECT amocrm_id FROM contact_phones WHERE account = @account AND phone = @phone)";
        }

        if (email is not null)
        {
            filter += " AND c.amocrm_id IN (SELECT amocrm_id FROM contact_emails WHERE account = @account AND email = @email)";
        }

        if (name is not null)
        {
            filter += " AND c.name_key LIKE @name ESCAPE '!'";
        }

        await using var connection = await database.OpenAsync(CancellationToken.None);
        var total = await CountAsync(connection, $"SELECT COUNT(*) FROM contacts c WHERE {filter}", Bind);
        var rows = new List<(long Id, string Name, long CreatedAt, long UpdatedAt)>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT c.amocrm_id, c.name, c.created_at, c.updated_at FROM contacts c WHERE {filter} ORDER BY c.updated_at DESC, c.amocrm_id DESC LIMIT @take OFFSET @skip";
            Bind(command);
            command.With("@take", pageSize).With("@skip", (page - 1) * pageSize);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetLong(0), reader.GetString(1), reader.GetLong(2), reader.GetLong(3)));
            }
        }

        var ids = rows.Select(r => r.Id).ToList();
        var phones = await ValuesOfAsync(connection, "contact_phones", "phone", account, ids);
        var emails = await ValuesOfAsync(connection, "contact_emails", "email", account, ids);
        var items = rows.Select(r => new ContactSnapshot(
            r.Id,
            r.Name,
            phones.TryGetValue(r.Id, out var phoneList) ? [.. phoneList] : [],
            DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt),
            DateTimeOffset.FromUnixTimeMilliseconds(r.UpdatedAt),
            emails.TryGetValue(r.Id, out var emailList) ? [.. emailList] : [])).ToList();
        return new Page<ContactSnapshot>(items, page, pageSize, total);

        void Bind(DbCommand command)
        {
            command.With("@account", account);
            if (phone is not null)
            {
                command.With("@phone", phone);
            }

            if (email is not null)
            {
                command.With("@email", email);
            }

            if (name is not null)
            {
                command.With("@name", "%" + EscapeLike(NameKeys.Normalize(name)) + "%");
            }
        }
    }

    /// <summary>Leads whose name contains <paramref name="name"/> (or all), newest first.</summary>
    public async Task<Page<LeadSnapshot>> ListLeadsAsync(string account, string? name, int page, int pageSize)
    {
        var filter = "account = @account" + (name is null ? "" : " AND name_key LIKE @name ESCAPE '!'");
        await using var connection = await database.OpenAsync(CancellationToken.None);
        var total = await CountAsync(connection, $"SELECT COUNT(*) FROM leads WHERE {filter}", Bind);
        var items = new List<LeadSnapshot>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT amocrm_id, name, status_id, pipeline_id, contact_amocrm_id, created_at, updated_at FROM leads WHERE {filter} ORDER BY updated_at DESC, amocrm_id DESC LIMIT @take OFFSET @skip";
            Bind(command);
            command.With("@take", pageSize).With("@skip", (page - 1) * pageSize);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                items.Add(new LeadSnapshot(
                    reader.GetLong(0),
                    reader.GetString(1),
                    reader.GetNullableLong(2),
                    reader.GetNullableLong(3),
                    reader.GetNullableLong(4),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetLong(5)),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetLong(6))));
            }
        }

        return new Page<LeadSnapshot>(items, page, pageSize, total);

        void Bind(DbCommand command)
        {
            command.With("@account", account);
            if (name is not null)
            {
                command.With("@name", "%" + EscapeLike(NameKeys.Normalize(name)) + "%");
            }
        }
    }

    /// <summary>How many contacts and leads we keep for an account.</summary>
    public async Task<(long Contacts, long Leads)> CountAsync(string account)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        var contacts = await CountAsync(connection, "SELECT COUNT(*) FROM contacts WHERE account = @account", c => c.With("@account", account));
        var leads = await CountAsync(connection, "SELECT COUNT(*) FROM leads WHERE account = @account", c => c.With("@account", account));
        return (contacts, leads);
    }

    /// <summary>Replaces a contact's rows of <paramref name="table"/> (its phones or emails) with <paramref name="values"/>, once each.</summary>
    private static async Task ReplaceValuesAsync(
        DbConnection connection, DbTransaction transaction, string table, string column, string account, long amoCrmId, IEnumerable<string> values)
    {
        await ExecuteAsync(connection, transaction, $"DELETE FROM {table} WHERE account = @account AND amocrm_id = @amocrm_id", command => command
            .With("@account", account)
            .With("@amocrm_id", amoCrmId));
        foreach (var value in values.Distinct(StringComparer.Ordinal))
        {
            await ExecuteAsync(connection, transaction, $"INSERT INTO {table} (account, {column}, amocrm_id) VALUES (@account, @value, @amocrm_id)", command => command
                .With("@account", account)
                .With("@value", value)
                .With("@amocrm_id", amoCrmId));
        }
    }

    /// <summary>The values of <paramref name="table"/> (phones or emails) of these contacts, by contact, in value order.</summary>
    private static async Task<Dictionary<long, List<string>>> ValuesOfAsync(DbConnection connection, string table, string column, string account, IReadOnlyList<long> ids)
    {
        var values = new Dictionary<long, List<string>>();
        if (ids.Count == 0)
        {
            return values;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT amocrm_id, {column} FROM {table} WHERE account = @account AND amocrm_id IN ({string.Join(", ", ids.Select((_, i) => $"@id{i}"))}) ORDER BY {column}";
        command.With("@account", account);
        for (var i = 0; i < ids.Count; i++)
        {
            command.With($"@id{i}", ids[i]);
        }

        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var id = reader.GetLong(0);
            if (!values.TryGetValue(id, out var list))
            {
                values[id] = list = [];
            }

            list.Add(reader.GetString(1));
        }

        return values;
    }

    private async Task<long?> ScalarAsync(string sql, string account, string key)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.With("@account", account).With("@key", key);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<long> CountAsync(DbConnection connection, string sql, Action<DbCommand> bind)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, Action<DbCommand> bind)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        bind(command);
        await command.ExecuteNonQueryAsync();
    }

    private static string EscapeLike(string text) =>
        text.Replace("!", "!!", StringComparison.Ordinal).Replace("%", "!%", StringComparison.Ordinal).Replace("_", "!_", StringComparison.Ordinal);
}
