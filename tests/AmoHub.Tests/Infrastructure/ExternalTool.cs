using System.Diagnostics;

namespace AmoHub.Tests.Infrastructure;

/// <summary>A command-line tool the deployment tests run (kubectl, node, npm, promtool).</summary>
public static class ExternalTool
{
    /// <summary>
    /// Runs <paramref name="program"/> in <paramref name="directory"/>, writing <paramref name="input"/> to its
    /// standard input, and returns its exit code and output; throws, naming the tool, when it is not installed.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string program, string[] arguments, string directory, string? input)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"{program} is not installed here ({exception.Message}); ./test.sh installs what the deployment tests need.", exception);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (input is not null)
            {
                await process.StandardInput.WriteAsync(input);
                process.StandardInput.Close();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await output, await error);
        }
    }
}
