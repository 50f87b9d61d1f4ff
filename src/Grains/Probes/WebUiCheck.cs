using System.Net;
using AmoHub.Grains.Interfaces.Probes;

namespace AmoHub.Grains.Probes;

/// <summary>
/// WEB: loads the account's web UI. A page, a redirect to the login page or a 401 all mean the UI is up;
/// another client error is a warning; a server error, a refused connection or a timeout is down. Only the status code
/// is kept: the host's own words (its reason phrase) never reach a result, an alert or the status page.
/// </summary>
public sealed class WebUiCheck(IHttpClientFactory httpClientFactory) : IProbeCheck
{
    /// <summary>Name of the HttpClient probes use: no redirects followed, no cookies kept.</summary>
    public const string HttpClientName = "amohub.probes";

    /// <inheritdoc />
    public CheckType CheckType => CheckType.Web;

    /// <inheritdoc />
    public async Task<CheckOutcome> RunAsync(string account, ProbeSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var client = httpClientFactory.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, settings.Target);
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var code = (int)response.StatusCode;
        return code switch
        {
            < 400 or (int)HttpStatusCode.Unauthorized => new CheckOutcome(HealthStatus.Up, code, null),
            (int)HttpStatusCode.TooManyRequests or >= 500 =>
                new CheckOutcome(HealthStatus.Down, code, $"The web UI answered {code}.", ErrorCode: CheckErrorCodes.ForHttpStatus(code)),
            _ => new CheckOutcome(HealthStatus.Warning, code, $"The web UI answered {code}.", ErrorCode: CheckErrorCodes.ForHttpStatus(code)),
        };
    }
}
