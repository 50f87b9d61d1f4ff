using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AmoHub.ServiceDefaults.Configuration;

/// <summary>
/// Accepts the environment variable names of the deployments AmoHub replaces and maps them onto AmoHub's own
/// keys, so an existing install moves over by pointing at AmoHub: <c>DB_HOST</c>, <c>DB_PORT</c>, <c>DB_USER</c>,
/// <c>DB_PASSWORD</c>, <c>DB_NAME</c> select MySQL; <c>AMOCRM_DOMAIN</c> (<c>acme.amocrm.ru</c>) with
/// <c>AMOCRM_ACCESS_TOKEN</c>, or with <c>AMOCRM_CLIENT_ID</c>, <c>AMOCRM_CLIENT_SECRET</c>,
/// <c>AMOCRM_REDIRECT_URI</c> and <c>AMOCRM_REFRESH_TOKEN</c> / <c>AMOCRM_AUTH_CODE</c>, become the first account
/// (<c>AMOCRM_TEST_LEAD_ID</c> and <c>AMOCRM_TEST_CONTACT_ID</c> name its probes' test entities);
/// <c>CHECK_INTERVAL</c> and <c>TIMEOUT_THRESHOLD</c> set the probes' interval and timeout in milliseconds, as the
/// reference monitor reads them (a value under 1,000 is taken as seconds, since no probe runs every few milliseconds);
/// <c>MATTERMOST_WEBHOOK_URL</c> becomes the default Mattermost webhook of alerts.
/// AmoHub's own <c>AmoHub__…</c> variables, added after this source, win over these.
/// </summary>
public sealed class LegacyEnvironmentVariables : IConfigurationSource
{
    private readonly Func<string, string?> _read;

    /// <summary>Reads the process environment.</summary>
    public LegacyEnvironmentVariables()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    /// <summary>Reads variables through <paramref name="read"/> (tests pass a dictionary).</summary>
    public LegacyEnvironmentVariables(Func<string, string?> read) => _read = read;

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(_read);

    private sealed class Provider(Func<string, string?> read) : ConfigurationProvider
    {
        private void Map(Dictionary<string, string?> data, string variable, string key)
        {
            var value = read(variable);
            if (!string.IsNullOrWhiteSpace(value))
            {
                data[$"AmoHub:Accounts:0:{key}"] = value.Trim();
            }
        }

        private void MapDuration(Dictionary<string, string?> data, string variable, string key)
        {
            var value = read(variable)?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                return;
            }

            if (!long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number <= 0)
            {
                throw new OptionsValidationException(variable, typeof(LegacyEnvironmentVariables), [$"{variable}: must be a whole number of milliseconds, e.g. 30000."]);
            }

            var duration = number < 1000 ? TimeSpan.FromSeconds(number) : TimeSpan.FromMilliseconds(number);
            data[key] = duration.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        }

        public override void Load()
        {
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            var host = read("DB_HOST");
            if (!string.IsNullOrWhiteSpace(host))
            {
                var connection = new MySqlConnector.MySqlConnectionStringBuilder { Server = host };
                var port = read("DB_PORT");
                if (!string.IsNullOrWhiteSpace(port))
                {
                    connection.Port = uint.TryParse(port, out var number) && number is > 0 and <= 65535
                        ? number
                        : throw new OptionsValidationException("DB_PORT", typeof(LegacyEnvironmentVariables), ["DB_PORT: must be a TCP port number (1-65535)."]);
                }

                connection.UserID = read("DB_USER") ?? "amohub";
                connection.Password = read("DB_PASSWORD") ?? string.Empty;
                connection.Database = read("DB_NAME") ?? "amohub";
                data["AmoHub:Storage:Provider"] = "MySql";
                data["AmoHub:Storage:ConnectionString"] = connection.ConnectionString;
            }

            var domain = read("AMOCRM_DOMAIN")?.Trim();
            if (!string.IsNullOrEmpty(domain))
            {
                var amoHost = domain.Contains("://", StringComparison.Ordinal) ? new Uri(domain).Host : domain.TrimEnd('/');
                data["AmoHub:Accounts:0:Subdomain"] = amoHost.Split('.')[0];
                data["AmoHub:Accounts:0:BaseUrl"] = $"https://{amoHost}/";
                Map(data, "AMOCRM_ACCESS_TOKEN", "AccessToken");
                Map(data, "AMOCRM_CLIENT_ID", "ClientId");
                Map(data, "AMOCRM_CLIENT_SECRET", "ClientSecret");
                Map(data, "AMOCRM_REDIRECT_URI", "RedirectUri");
                Map(data, "AMOCRM_REFRESH_TOKEN", "RefreshToken");
                Map(data, "AMOCRM_AUTH_CODE", "AuthorizationCode");
                Map(data, "AMOCRM_TEST_LEAD_ID", "TestLeadId");
                Map(data, "AMOCRM_TEST_CONTACT_ID", "TestContactId");
                if (data.ContainsKey("AmoHub:Accounts:0:ClientId"))
                {
                    // An OAuth integration refreshes its own tokens; a stale access token from the old install is not needed.
                    data.Remove("AmoHub:Accounts:0:AccessToken");
                }
            }

            MapDuration(data, "CHECK_INTERVAL", "AmoHub:Probes:Interval");
            MapDuration(data, "TIMEOUT_THRESHOLD", "AmoHub:Probes:Timeout");
            var mattermost = read("MATTERMOST_WEBHOOK_URL");
            if (!string.IsNullOrWhiteSpace(mattermost))
            {
                data["AmoHub:Notifications:Mattermost:WebhookUrl"] = mattermost.Trim();
            }

            Data = data;
        }
    }
}
