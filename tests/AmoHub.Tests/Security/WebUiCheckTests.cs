using System.Net;
using AmoHub.Grains.Interfaces.Probes;
using AmoHub.Grains.Probes;

namespace AmoHub.Tests.Security;

public sealed class WebUiCheckTests
{
    private const string Marker = "PHRASE-7c2e";

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, HealthStatus.Down)]
    [InlineData(HttpStatusCode.NotFound, HealthStatus.Warning)]
    public async Task A_failing_web_UI_is_told_by_its_status_code_and_never_by_the_words_the_host_sent(HttpStatusCode status, HealthStatus expected)
    {
        var check = new WebUiCheck(new OneAnswerFactory(status, $"{Marker} <script>alert(1)</script>"));

        var outcome = await check.RunAsync("acme", new ProbeSettings(new Uri("https://acme.amocrm.ru/"), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10)), CancellationToken.None);

        Assert.Equal(expected, outcome.Status);
        Assert.Equal((int)status, outcome.HttpStatus);
        Assert.Contains(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), outcome.ErrorMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(Marker, outcome.ErrorMessage, StringComparison.Ordinal);
    }

    private sealed class OneAnswerFactory(HttpStatusCode status, string reasonPhrase) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(new Handler(status, reasonPhrase));

        private sealed class Handler(HttpStatusCode status, string reasonPhrase) : HttpMessageHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
                Task.FromResult(new HttpResponseMessage(status) { ReasonPhrase = reasonPhrase, RequestMessage = request });
        }
    }
}
