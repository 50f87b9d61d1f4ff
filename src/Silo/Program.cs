using AmoHub.Silo;
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
