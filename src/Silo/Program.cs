using System.Data.Common;
using AmoHub.Silo;
using Microsoft.Extensions.Options;

const string MigrateSwitch = "--migrate";
try
{
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
catch (DbException exception)
{
    await Console.Error.WriteLineAsync(
        $"AmoHub cannot start: the database named by AmoHub:Storage:ConnectionString does not answer: {exception.Message}");
    return 3;
}
