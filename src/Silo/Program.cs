using AmoHub.Silo;
using System.Data.Common;
using Microsoft.Extensions.Options;

try
{
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
