using System.Globalization;
using Serverless.Monitoring.Core.Alerting.Config;
using Serverless.Monitoring.Core.Alerting.NotificationLog;
using Serverless.Monitoring.Core.Alerting.Notify;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Scraping;

namespace Serverless.Monitoring.Core.Alerting.Router;

/// <summary>
/// The receivers of a configuration as integrations: each <c>*_configs</c> entry becomes a notifier
/// with its option record (secrets read from their <c>*_file</c> now, as upstream reads them when the
/// config loads) and an HttpClient of its own built from its <c>http_config</c> (basic_auth,
/// authorization, tls_config, follow_redirects). What we cannot send is refused here, naming the field,
/// rather than dropped at the first alert: <c>email_configs</c> (no SMTP yet) and PagerDuty's Events v1
/// <c>service_key</c>.
/// </summary>
public sealed class RouterReceivers : IDisposable
{
    private readonly Dictionary<string, IReadOnlyList<RouterIntegration>> _byName;
    private readonly List<HttpClient> _clients;

    private RouterReceivers(Dictionary<string, IReadOnlyList<RouterIntegration>> byName, List<HttpClient> clients)
    {
        _byName = byName;
        _clients = clients;
    }

    /// <summary>The receiver names in configuration order.</summary>
    public IReadOnlyList<string> Names { get; private init; } = [];

    /// <summary>A receiver's integrations; empty for a receiver without any (upstream's "null" receiver) or an unknown name.</summary>
    public IReadOnlyList<RouterIntegration> Of(string receiver) => _byName.GetValueOrDefault(receiver, []);

    /// <exception cref="ConfigException">An integration we cannot send, or a secret or TLS file that cannot be read.</exception>
    public static RouterReceivers Build(AlertmanagerConfiguration config, NotificationTemplate template, Func<string> externalUrl, RouterMetrics? metrics)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(externalUrl);
        var byName = new Dictionary<string, IReadOnlyList<RouterIntegration>>(StringComparer.Ordinal);
        var clients = new List<HttpClient>();
        try
        {
            for (var r = 0; r < config.Receivers.Count; r++)
            {
                var receiver = config.Receivers[r];
                var field = $"receivers[{r.ToString(CultureInfo.InvariantCulture)}]";
                if (receiver.EmailConfigs.Count > 0)
                {
                    throw Refuse(config, $"{field}.email_configs", $"receiver \"{receiver.Name}\": email notifications are not supported yet; remove email_configs or use another integration");
                }

                var list = new List<RouterIntegration>();
                NotificationReceiver Log(string integration, int index) => new(receiver.Name, integration, index);
                HttpClient Client(HttpClientConfig http, string at)
                {
                    var client = CreateClient(config, http, at);
                    clients.Add(client);
                    return client;
                }

                for (var i = 0; i < receiver.WebhookConfigs.Count; i++)
                {
                    var c = receiver.WebhookConfigs[i];
                    var options = new WebhookOptions { Url = c.Url, SendResolved = c.SendResolved, MaxAlerts = c.MaxAlerts };
                    list.Add(new RouterIntegration(new WebhookNotifier(options, Client(c.Http, $"{field}.webhook_configs[{i}].http_config")), Log("webhook", i), externalUrl, metrics));
                }

                for (var i = 0; i < receiver.SlackConfigs.Count; i++)
                {
                    var c = receiver.SlackConfigs[i];
                    var at = $"{field}.slack_configs[{i}]";
                    var options = new SlackOptions
                    {
                        ApiUrl = c.ApiUrlFile.Length > 0 ? ReadSecretFile(config, c.ApiUrlFile, $"{at}.api_url_file") : c.ApiUrl.Reveal(),
                        SendResolved = c.SendResolved,
                        Channel = c.Channel,
                        Username = c.Username,
                        Color = c.Color,
                        Title = c.Title,
                        TitleLink = c.TitleLink,
                        Pretext = c.Pretext,
                        Text = c.Text,
                        ShortFields = c.ShortFields,
                        Footer = c.Footer,
                        Fallback = c.Fallback,
                        CallbackId = c.CallbackId,
                        IconEmoji = c.IconEmoji,
                        IconUrl = c.IconUrl,
                        ImageUrl = c.ImageUrl,
                        ThumbUrl = c.ThumbUrl,
                        LinkNames = c.LinkNames,
                        MrkdwnIn = c.MrkdwnIn,
                    };
                    list.Add(new RouterIntegration(new SlackNotifier(options, template, Client(c.Http, $"{at}.http_config")), Log("slack", i), externalUrl, metrics));
                }

                for (var i = 0; i < receiver.PagerdutyConfigs.Count; i++)
                {
                    var c = receiver.PagerdutyConfigs[i];
                    var at = $"{field}.pagerduty_configs[{i}]";
                    if (!c.ServiceKey.IsEmpty || c.ServiceKeyFile.Length > 0)
                    {
                        throw Refuse(config, $"{at}.{(c.ServiceKey.IsEmpty ? "service_key_file" : "service_key")}", $"receiver \"{receiver.Name}\": PagerDuty's Events API v1 (service_key) is not supported; use routing_key (Events API v2)");
                    }

                    var options = new PagerDutyOptions
                    {
                        RoutingKey = c.RoutingKeyFile.Length > 0 ? ReadSecretFile(config, c.RoutingKeyFile, $"{at}.routing_key_file") : c.RoutingKey.Reveal(),
                        Url = c.Url,
                        SendResolved = c.SendResolved,
                        Client = c.Client,
                        ClientUrl = c.ClientUrl,
                        Description = c.Description,
                        Details = c.Details,
                        Severity = c.Severity,
                        Source = c.Source,
                        Class = c.Class,
                        Component = c.Component,
                        Group = c.Group,
                    };
                    list.Add(new RouterIntegration(new PagerDutyNotifier(options, template, Client(c.Http, $"{at}.http_config")), Log("pagerduty", i), externalUrl, metrics));
                }

                for (var i = 0; i < receiver.MsTeamsConfigs.Count; i++)
                {
                    var c = receiver.MsTeamsConfigs[i];
                    var at = $"{field}.msteams_configs[{i}]";
                    var options = new MSTeamsOptions
                    {
                        WebhookUrl = c.WebhookUrlFile.Length > 0 ? ReadSecretFile(config, c.WebhookUrlFile, $"{at}.webhook_url_file") : c.WebhookUrl.Reveal(),
                        SendResolved = c.SendResolved,
                        Title = c.Title,
                        Text = c.Text,
                    };
                    list.Add(new RouterIntegration(new MSTeamsNotifier(options, template, Client(c.Http, $"{at}.http_config")), Log("msteams", i), externalUrl, metrics));
                }

                byName[receiver.Name] = list;
            }
        }
        catch
        {
            clients.ForEach(c => c.Dispose());
            throw;
        }

        return new RouterReceivers(byName, clients) { Names = [.. config.Receivers.Select(r => r.Name)] };
    }

    private static HttpClient CreateClient(AlertmanagerConfiguration config, HttpClientConfig http, string field)
    {
        SocketsHttpHandler handler;
        IReadOnlyList<KeyValuePair<string, string>> headers;
        try
        {
            handler = HttpScraper.CreateHandler(http.Tls);
            headers = TargetBuilder.AuthHeaders(http);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw Refuse(config, field, ex.Message);
        }

        handler.AllowAutoRedirect = http.FollowRedirects;

        // The pipeline's deadline (the flush's) bounds each attempt, not the client.
        var client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        foreach (var (name, value) in headers)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
        }

        return client;
    }

    private static string ReadSecretFile(AlertmanagerConfiguration config, string path, string field)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Refuse(config, field, ex.Message);
        }
    }

    // The parsed configuration has no positions: the field's key is looked up in the file again.
    private static ConfigException Refuse(AlertmanagerConfiguration config, string field, string reason)
    {
        var at = File.Exists(config.FileName) ? Core.Config.YamlPathFinder.KeyAt(File.ReadAllText(config.FileName), field) : null;
        return new(config.FileName, at?.Line ?? 0, at?.Column ?? 0, field, reason);
    }

    public void Dispose() => _clients.ForEach(c => c.Dispose());
}
