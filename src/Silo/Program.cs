using System.Data.Common;
using AmoHub.Silo;
using Microsoft.Extensions.Options;

const string MigrateSwitch = "--migrate";
const string BackupSwitch = "--backup";
const string RestoreSwitch = "--restore";
const string ReconcileSwitch = "--reconcile";
try
{
    if (args.Contains(ReconcileSwitch))
    {
        return await ReconcileRun.RunAsync([.. args.Where(arg => arg != ReconcileSwitch)], Console.Out, TimeProvider.System);
    }

    if (FileArgument(BackupSwitch) is { } backup)
    {
        return await SqliteFiles.BackupAsync(SiloHost.DatabaseOf(backup.Others), backup.File, Console.Out);
    }

    if (FileArgument(RestoreSwitch) is { } restore)
    {
        return await SqliteFiles.RestoreAsync(SiloHost.DatabaseOf(restore.Others), restore.File, Console.Out);
    }

    if (args.Contains(MigrateSwitch))
    {
        var applied = await SiloHost.MigrateAsync([.. args.Where(arg => arg != MigrateSwitch)]);
        Console.WriteLine(applied.Count == 0
            ? "AmoHub schema is up to date; nothing to apply."
            : $"AmoHub schema migrated: applied {string.Join(", ", applied)}.");
        return 0;
    }

    var app = SiloHost.Build(args);
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException exception)
{
    await Console.Error.WriteLineAsync($"AmoHub cannot start: {exception.Message}");
    return 2;
}
catch (ArgumentException exception) when (exception.ParamName == nameof(args))
{
    await Console.Error.WriteLineAsync($"AmoHub: {exception.Message}");
    return 2;
}
catch (DatabaseInUseException exception)
{
    await Console.Error.WriteLineAsync($"AmoHub cannot start: {exception.Message}");
    return SqliteFiles.Refused;
}
catch (DbException exception)
{
    await Console.Error.WriteLineAsync(
        $"AmoHub cannot start: the database named by AmoHub:Storage:ConnectionString does not answer: {exception.Message}");
    return 3;
}

// The file after a switch, and the arguments without both; a switch without a file is refused.
(string File, string[] Others)? FileArgument(string name)
{
    var at = Array.IndexOf(args, name);
    if (at < 0)
    {
        return null;
    }

    if (at + 1 >= args.Length || args[at + 1].StartsWith("--", StringComparison.Ordinal))
    {
        throw new ArgumentException($"{name} needs a file: AmoHub.Silo {name} <file>.", nameof(args));
    }

    return (args[at + 1], [.. args.Take(at), .. args.Skip(at + 2)]);
}
