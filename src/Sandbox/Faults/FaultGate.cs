using AmoHub.Sandbox.Http;
using Microsoft.AspNetCore.Http;

namespace AmoHub.Sandbox.Faults;

/// <summary>Applies an account's faults to a request before it is served.</summary>
internal static class FaultGate
{
    /// <summary>How long a "timeout" fault holds a request before it gives up with 504.</summary>
    private static readonly TimeSpan HangTime = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Waits out the latency, then answers in place of the endpoint when the fault says so (a failure, a hang);
    /// <c>null</c> lets the request through. <paramref name="stopping"/> ends waits when the sandbox stops.
    /// </summary>
    public static async Task<EdgePage?> ApplyAsync(SandboxFault fault, HttpContext context, CancellationToken stopping)
    {
        if (fault == SandboxFault.None)
        {
            return null;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try
        {
            if (fault.Latency > TimeSpan.Zero)
            {
                await Task.Delay(fault.Latency, wait.Token);
            }

            if (fault.Timeout)
            {
                await Task.Delay(HangTime, wait.Token);
                return new EdgePage(StatusCodes.Status504GatewayTimeout);
            }
        }
        catch (OperationCanceledException)
        {
            // The client gave up or the sandbox stops: nobody reads the answer. 499 is what nginx logs for this.
            return new EdgePage(StatusCodes.Status499ClientClosedRequest);
        }

        return fault.FailureRate > 0 && Random.Shared.NextDouble() < fault.FailureRate
            ? new EdgePage(fault.FailureStatus)
            : null;
    }
}
