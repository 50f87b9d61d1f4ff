using System.Text.RegularExpressions;
using AmoHub.Grains.Interfaces.Accounts;
using Microsoft.Extensions.Options;
using Newtonsoft.Json.Serialization;
using Orleans.Serialization;

namespace AmoHub.Grains.Storage;

/// <summary>
/// Grain state is stored as JSON that names the CLR type of every object. When types moved to the namespaces of their
/// folders, the state written before the move kept the old names; this binder reads those names as the types they
/// became and writes the new ones. The contracts all sat in one namespace (<c>AmoHub.Grains</c>) of the interfaces
/// assembly, so a contract's old name is that namespace and its own name; the only stored grain type that moved is
/// the amoCRM gateway's state.
/// </summary>
public sealed partial class MovedTypeNames(ISerializationBinder inner) : ISerializationBinder
{
    private const string OldContractNamespace = "AmoHub.Grains";

    private static readonly Dictionary<string, string> Moved = BuildMoves();

    /// <summary>The new full name of a type stored under <paramref name="oldName"/>, or the name itself when it did not move.</summary>
    public static string Rename(string oldName) =>
        TypeNamePattern().Replace(oldName, match => Moved.TryGetValue(match.Value, out var name) ? name : match.Value);

    /// <inheritdoc />
    public Type BindToType(string? assemblyName, string typeName) => inner.BindToType(assemblyName, Rename(typeName));

    /// <inheritdoc />
    public void BindToName(Type serializedType, out string? assemblyName, out string? typeName) =>
        inner.BindToName(serializedType, out assemblyName, out typeName);

    private static Dictionary<string, string> BuildMoves()
    {
        var moves = typeof(AccountDefinition).Assembly.GetTypes()
            .Where(type => type.FullName is not null && type.Namespace is { } ns && ns.StartsWith(OldContractNamespace + ".Interfaces", StringComparison.Ordinal)
                && !type.FullName.Contains('<', StringComparison.Ordinal))
            .ToDictionary(type => OldContractNamespace + type.FullName![type.Namespace!.Length..], type => type.FullName!, StringComparer.Ordinal);
        moves["AmoHub.Grains.Crm.AccountState"] = "AmoHub.Grains.AmoCrm.AccountState";
        return moves;
    }

    [GeneratedRegex(@"AmoHub\.Grains(\.\w+)*(\+\w+)*(`\d+)?")]
    private static partial Regex TypeNamePattern();
}

/// <summary>Puts <see cref="MovedTypeNames"/> in front of the binder Orleans gives its JSON grain storage serializer.</summary>
public sealed class MovedTypeNamesSetup : IPostConfigureOptions<OrleansJsonSerializerOptions>
{
    /// <inheritdoc />
    public void PostConfigure(string? name, OrleansJsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.JsonSerializerSettings;
        if (settings.SerializationBinder is { } binder and not MovedTypeNames)
        {
            settings.SerializationBinder = new MovedTypeNames(binder);
        }
    }
}
