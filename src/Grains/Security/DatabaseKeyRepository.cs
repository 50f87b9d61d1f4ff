using System.Xml.Linq;
using AmoHub.Grains.Storage;
using AmoHub.ServiceDefaults.Storage;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace AmoHub.Grains.Security;

/// <summary>
/// Keeps the data protection key ring in the deployment's database (<c>data_protection_keys</c>), where every silo
/// finds it. Data protection calls it synchronously and rarely: at start-up, when it creates a key, and when its
/// cached ring expires.
/// </summary>
public sealed class DatabaseKeyRepository(AmoHubDatabase database) : IXmlRepository
{
    /// <inheritdoc />
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT xml FROM data_protection_keys ORDER BY id";
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    /// <inheritdoc />
    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO data_protection_keys (friendly_name, xml, created_at) VALUES (@name, @xml, @createdAt)";
        command
            .With("@name", friendlyName)
            .With("@xml", element.ToString(SaveOptions.DisableFormatting))
            .With("@createdAt", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }
}
