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

    /// <summary>Most rows one multi-row statement carries.</summary>
    private const int RowsPerStatement = 100;

    private readonly GroupedWrites<(string Account, ContactSnapshot Contact)> _contactWrites = new(contacts => UpsertContactsAsync(database, contacts));
    private readonly GroupedWrites<(string Account, LeadSnapshot Lead)> _leadWrites = new(leads => UpsertLeadsAsync(database, leads));

    /// <summary>Longest name the read model keeps; the grain keeps the whole name.</summary>
    public const int NameLength = 1000;

    /// <summary>Longest name key and phone the read model keeps.</summary>
    private const int KeyLength = 255;
    private const int PhoneLength = 64;

    /// <summary>The <c>name_key</c> of a name: <see cref="NameKeys"/>' key, cut to the column.</summary>
    public static string NameKeyOf(string name) => Sql.Fit(NameKeys.Normalize(name), KeyLength);

    /// <summary>
    /// Writes a contact and replaces its phones and emails; links leads waiting for it. Contacts written at the same
    /// time by different grains go together: one transaction, a few multi-row statements (<see cref="GroupedWrites{T}"/>).
    /// </summary>
    public Task UpsertContactAsync(string account, ContactSnapshot contact)
    {
        ArgumentNullException.ThrowIfNull(contact);
        return RetryingAsync(() => _contactWrites.WriteAsync((account, contact)));
    }

    private static async Task UpsertContactsAsync(AmoHubDatabase database, IReadOnlyList<(string Account, ContactSnapshot Contact)> contacts)
    {
        var upsert = UpsertRows(database.Provider, "contacts", ContactColumns, ["name", "name_key", "phone", "created_at", "updated_at"]);
        await using var write = await database.OpenWriteAsync(CancellationToken.None);
        var connection = write.Connection;
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted);
        foreach (var byAccount in contacts.GroupBy(c => c.Account, StringComparer.Ordinal))
        {
            var account = byAccount.Key;
            foreach (var chunk in byAccount.Select(c => c.Contact).Chunk(RowsPerStatement))
            {
                await InsertRowsAsync(connection, transaction, upsert, chunk.Select(contact => new object?[]
                {
                    account,
                    contact.AmoCrmId,
                    Sql.Fit(contact.Name, NameLength),
                    NameKeyOf(contact.Name),
                    contact.Phones.IsDefaultOrEmpty ? null : Sql.Fit(contact.Phones[0], PhoneLength),
                    contact.CreatedAt.ToUnixTimeMilliseconds(),
                    contact.UpdatedAt.ToUnixTimeMilliseconds(),
                }).ToList());
                var ids = chunk.Select(c => c.AmoCrmId).ToList();
                await ReplaceValuesAsync(connection, transaction, "contact_phones", "phone", account, ids,
                    chunk.SelectMany(c => (c.Phones.IsDefault ? [] : c.Phones).Select(p => Sql.Fit(p, PhoneLength)).Distinct(StringComparer.Ordinal).Select(p => (c.AmoCrmId, p))));
                await ReplaceValuesAsync(connection, transaction, "contact_emails", "email", account, ids,
                    chunk.SelectMany(c => c.Emails.Select(e => Sql.Fit(e, EmailAddresses.MaxLength)).Distinct(StringComparer.Ordinal).Select(e => (c.AmoCrmId, e))));
                await ExecuteAsync(connection, transaction,
                    $"UPDATE leads SET contact_id = (SELECT c.id FROM contacts c WHERE c.account = leads.account AND c.amocrm_id = leads.contact_amocrm_id) WHERE account = @account AND contact_amocrm_id IN ({Placeholders("@id", ids.Count)}) AND contact_id IS NULL",
                    command => BindIds(command.With("@account", account), ids));
            }
        }

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

    /// <summary>Writes a lead, linked to its main contact's row when we have it; leads written at the same time go together.</summary>
    public Task UpsertLeadAsync(string account, LeadSnapshot lead)
    {
        ArgumentNullException.ThrowIfNull(lead);
        return RetryingAsync(() => _leadWrites.WriteAsync((account, lead)));
    }

    private static async Task UpsertLeadsAsync(AmoHubDatabase database, IReadOnlyList<(string Account, LeadSnapshot Lead)> leads)
    {
        var upsert = UpsertRows(database.Provider, "leads", LeadColumns, ["name", "name_key", "status_id", "pipeline_id", "contact_amocrm_id", "contact_id", "created_at", "updated_at"]);
        await using var write = await database.OpenWriteAsync(CancellationToken.None);
        var connection = write.Connection;
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted);
        foreach (var byAccount in leads.GroupBy(l => l.Account, StringComparer.Ordinal))
        {
            var account = byAccount.Key;
            foreach (var chunk in byAccount.Select(l => l.Lead).Chunk(RowsPerStatement))
            {
                var contactRows = await ContactRowsAsync(connection, transaction, account, chunk.Select(l => l.MainContactId).OfType<long>().Distinct().ToList());
                await InsertRowsAsync(connection, transaction, upsert, chunk.Select(lead => new object?[]
                {
                    account,
                    lead.AmoCrmId,
                    Sql.Fit(lead.Name, NameLength),
                    NameKeyOf(lead.Name),
                    lead.StatusId,
                    lead.PipelineId,
                    lead.MainContactId,
                    lead.MainContactId is { } contactId && contactRows.TryGetValue(contactId, out var row) ? row : null,
                    lead.CreatedAt.ToUnixTimeMilliseconds(),
                    lead.UpdatedAt.ToUnixTimeMilliseconds(),
                }).ToList());
            }
        }

        await transaction.CommitAsync();
    }

    /// <summary>The row ids of these contacts (by amoCRM id) that the read model holds.</summary>
    private static async Task<Dictionary<long, long>> ContactRowsAsync(DbConnection connection, DbTransaction transaction, string account, List<long> amoCrmIds)
    {
        var rows = new Dictionary<long, long>();
        if (amoCrmIds.Count == 0)
        {
            return rows;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT amocrm_id, id FROM contacts WHERE account = @account AND amocrm_id IN ({Placeholders("@id", amoCrmIds.Count)})";
        BindIds(command.With("@account", account), amoCrmIds);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows[reader.GetLong(0)] = reader.GetLong(1);
        }

        return rows;
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

    /// <summary>Replaces the rows of <paramref name="table"/> (phones or emails) of the contacts <paramref name="ids"/> with <paramref name="values"/>.</summary>
    private static async Task ReplaceValuesAsync(
        DbConnection connection, DbTransaction transaction, string table, string column, string account, List<long> ids, IEnumerable<(long AmoCrmId, string Value)> values)
    {
        await ExecuteAsync(connection, transaction, $"DELETE FROM {table} WHERE account = @account AND amocrm_id IN ({Placeholders("@id", ids.Count)})",
            command => BindIds(command.With("@account", account), ids));
        foreach (var chunk in values.Chunk(RowsPerStatement))
        {
            await InsertRowsAsync(connection, transaction, $"INSERT INTO {table} (account, {column}, amocrm_id) VALUES {{0}}",
                chunk.Select(v => new object?[] { account, v.Value, v.AmoCrmId }).ToList());
        }
    }

    /// <summary>
    /// Runs <paramref name="sql"/>, an INSERT whose <c>{0}</c> stands for its VALUES lists, with one list for each row
    /// of <paramref name="rows"/>.
    /// </summary>
    private static async Task InsertRowsAsync(DbConnection connection, DbTransaction transaction, string sql, List<object?[]> rows)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = string.Format(System.Globalization.CultureInfo.InvariantCulture, sql,
            string.Join(", ", rows.Select((row, r) => $"({string.Join(", ", row.Select((_, c) => $"@p{r}_{c}"))})")));
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < rows[r].Length; c++)
            {
                command.With($"@p{r}_{c}", rows[r][c]);
            }
        }

        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A multi-row upsert for <see cref="InsertRowsAsync"/>, keyed on <c>(account, amocrm_id)</c>.</summary>
    private static string UpsertRows(StorageProvider provider, string table, string[] columns, string[] update) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES {{0}} {Sql.OnConflictUpdate(provider, ["account", "amocrm_id"], update).Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal)}";

    private static string Placeholders(string prefix, int count) => string.Join(", ", Enumerable.Range(0, count).Select(i => $"{prefix}{i}"));

    private static DbCommand BindIds(DbCommand command, List<long> ids)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            command.With($"@id{i}", ids[i]);
        }

        return command;
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
