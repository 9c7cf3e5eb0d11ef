using Serverless.Monitoring.Core.Config;

namespace Serverless.Monitoring.Core.Alerting.Config;

/// <summary>Receivers and their integrations, with the globals copied in as upstream does.</summary>
internal sealed partial class AlertmanagerConfigParser
{
    private IReadOnlyList<ReceiverConfig> ParseReceivers(ConfigNode node, AlertmanagerGlobalConfig global)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        return node.List("[]*config.Receiver", n =>
        {
            var r = ParseReceiver(n, global);
            return names.Add(r.Name) ? r : throw n.Error($"notification config name {ConfigParser.GoQuote(r.Name)} is not unique");
        });
    }

    private ReceiverConfig ParseReceiver(ConfigNode node, AlertmanagerGlobalConfig global)
    {
        var name = string.Empty;
        IReadOnlyList<WebhookConfig> webhooks = [];
        IReadOnlyList<SlackConfig> slack = [];
        IReadOnlyList<PagerdutyConfig> pagerduty = [];
        IReadOnlyList<MsTeamsConfig> teams = [];
        IReadOnlyList<EmailConfig> email = [];
        node.Fields("config.plain", (key, v) =>
        {
            switch (key)
            {
                case "name": name = v.String(); return true;
                case "webhook_configs": webhooks = v.List("[]*config.WebhookConfig", n => ParseWebhook(n, global)); return true;
                case "slack_configs": slack = v.List("[]*config.SlackConfig", n => ParseSlack(n, global)); return true;
                case "pagerduty_configs": pagerduty = v.List("[]*config.PagerdutyConfig", n => ParsePagerduty(n, global)); return true;
                case "msteams_configs": teams = v.List("[]*config.MSTeamsConfig", n => ParseTeams(n, global)); return true;
                case "email_configs": email = v.List("[]*config.EmailConfig", n => ParseEmail(n, global)); return true;
                default:
                    if (UnsupportedReceivers.Contains(key))
                    {
                        throw v.Error($"receiver kind {key} is not supported yet (supported: webhook_configs, slack_configs, pagerduty_configs, msteams_configs, email_configs)");
                    }

                    return false;
            }
        });
        return name.Length == 0
            ? throw node.Error("missing name in receiver")
            : new ReceiverConfig { Name = name, WebhookConfigs = webhooks, SlackConfigs = slack, PagerdutyConfigs = pagerduty, MsTeamsConfigs = teams, EmailConfigs = email };
    }

    private WebhookConfig ParseWebhook(ConfigNode node, AlertmanagerGlobalConfig global)
    {
        bool sendResolved = true;
        string? url = null;
        ulong maxAlerts = 0;
        var http = global.Http;
        node.Fields("config.plain", (key, v) =>
        {
            switch (key)
            {
                case "send_resolved": sendResolved = v.Bool(); return true;
                case "http_config": http = ParseHttp(v); return true;
                case "url": url = v.IsNull ? null : ParseWebhookUrl(v); return true;
                case "max_alerts": maxAlerts = v.UInt64(); return true;
                default: return false;
            }
        });
        return url is null
            ? throw node.Error("missing URL in webhook config")
            : new WebhookConfig { SendResolved = sendResolved, Http = http, Url = url, MaxAlerts = maxAlerts };
    }

    private static string ParseWebhookUrl(ConfigNode v)
    {
        var text = v.String();
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? text
            : throw v.Error("scheme required for webhook url");
    }

    private SlackConfig ParseSlack(ConfigNode node, AlertmanagerGlobalConfig global)
    {
        var c = new SlackConfig { Http = global.Http };
        ConfigNode urlNode = default;
        node.Fields("config.plain", (key, v) =>
        {
            switch (key)
            {
                case "send_resolved": c = c with { SendResolved = v.Bool() }; return true;
                case "http_config": c = c with { Http = ParseHttp(v) }; return true;
                case "api_url": urlNode = v; c = c with { ApiUrl = new Secret(ParseUrl(v)) }; return true;
                case "api_url_file": c = c with { ApiUrlFile = _paths.ResolvePath(v.String()) }; return true;
                case "channel": c = c with { Channel = v.String() }; return true;
                case "username": c = c with { Username = v.String() }; return true;
                case "color": c = c with { Color = v.String() }; return true;
                case "title": c = c with { Title = v.String() }; return true;
                case "title_link": c = c with { TitleLink = v.String() }; return true;
                case "pretext": c = c with { Pretext = v.String() }; return true;
                case "text": c = c with { Text = v.String() }; return true;
                case "short_fields": c = c with { ShortFields = v.Bool() }; return true;
                case "footer": c = c with { Footer = v.String() }; return true;
                case "fallback": c = c with { Fallback = v.String() }; return true;
                case "callback_id": c = c with { CallbackId = v.String() }; return true;
                case "icon_emoji": c = c with { IconEmoji = v.String() }; return true;
                case "icon_url": c = c with { IconUrl = v.String() }; return true;
                case "image_url": c = c with { ImageUrl = v.String() }; return true;
                case "thumb_url": c = c with { ThumbUrl = v.String() }; return true;
                case "link_names": c = c with { LinkNames = v.Bool() }; return true;
                case "mrkdwn_in": c = c with { MrkdwnIn = v.StringList() }; return true;
                case "fields" or "actions":
                    throw v.Error($"field {key} is not supported yet (type config.SlackConfig)");
                default: return false;
            }
        });
        if (!c.ApiUrl.IsEmpty && c.ApiUrlFile.Length > 0)
        {
            throw urlNode.Error("at most one of api_url & api_url_file must be configured");
        }

        if (c.ApiUrl.IsEmpty && c.ApiUrlFile.Length == 0)
        {
            if (global.SlackApiUrl.IsEmpty && global.SlackApiUrlFile.Length == 0)
            {
                throw node.Error("no global Slack API URL set either inline or in a file");
            }

            c = c with { ApiUrl = global.SlackApiUrl, ApiUrlFile = _paths.ResolvePath(global.SlackApiUrlFile) };
        }

        return c;
    }

    private PagerdutyConfig ParsePagerduty(ConfigNode node, AlertmanagerGlobalConfig global)
    {
        var c = new PagerdutyConfig { Http = global.Http, Url = global.PagerdutyUrl };
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        node.Fields("config.plain", (key, v) =>
        {
            switch (key)
            {
                case "send_resolved": c = c with { SendResolved = v.Bool() }; return true;
                case "http_config": c = c with { Http = ParseHttp(v) }; return true;
                case "routing_key": c = c with { RoutingKey = new Secret(v.String()) }; return true;
                case "routing_key_file": c = c with { RoutingKeyFile = _paths.ResolvePath(v.String()) }; return true;
                case "service_key": c = c with { ServiceKey = new Secret(v.String()) }; return true;
                case "service_key_file": c = c with { ServiceKeyFile = _paths.ResolvePath(v.String()) }; return true;
                case "url": c = c with { Url = ParseUrl(v) }; return true;
                case "client": c = c with { Client = v.String() }; return true;
                case "client_url": c = c with { ClientUrl = v.String() }; return true;
                case "description": c = c with { Description = v.String() }; return true;
                case "details":
                    foreach (var (k, value) in v.StringMap())
                    {
                        details[k] = value;
                    }

                    return true;
                case "source": c = c with { Source = v.String() }; return true;
                case "severity": c = c with { Severity = v.String() }; return true;
                case "class": c = c with { Class = v.String() }; return true;
                case "component": c = c with { Component = v.String() }; return true;
                case "group": c = c with { Group = v.String() }; return true;
                case "images" or "links":
                    throw v.Error($"field {key} is not supported yet (type config.PagerdutyConfig)");
                default: return false;
            }
        });
        if (c.RoutingKey.IsEmpty && c.ServiceKey.IsEmpty && c.RoutingKeyFile.Length == 0 && c.ServiceKeyFile.Length == 0)
        {
            throw node.Error("missing service or routing key in PagerDuty config");
        }

        if (!c.RoutingKey.IsEmpty && c.RoutingKeyFile.Length > 0)
        {
            throw node.Error("at most one of routing_key & routing_key_file must be configured");
        }

        if (!c.ServiceKey.IsEmpty && c.ServiceKeyFile.Length > 0)
        {
            throw node.Error("at most one of service_key & service_key_file must be configured");
        }

        foreach (var (k, value) in PagerdutyConfig.DefaultDetails)
        {
            details.TryAdd(k, value);
        }

        return c with { Details = details, Source = c.Source.Length == 0 ? c.Client : c.Source };
    }

    private MsTeamsConfig ParseTeams(ConfigNode node, AlertmanagerGlobalConfig global)
    {
        var c = new MsTeamsConfig { Http = global.Http };
        node.Fields("config.plain", (key, v) =>
        {
            switch (key)
            {
                case "send_resolved": c = c with { SendResolved = v.Bool() }; return true;
                case "http_config": c = c with { Http = ParseHttp(v) }; return true;
                case "webhook_url": c = c with { WebhookUrl = new Secret(ParseUrl(v)) }; return true;
                case "webhook_url_file": c = c with { WebhookUrlFile = _paths.ResolvePath(v.String()) }; return true;
                case "title": c = c with { Title = v.String() }; return true;
                case "summary": c = c with { Summary = v.String() }; return true;
                case "text": c = c with { Text = v.String() }; return true;
                default: return false;
            }
        });
        if (c.WebhookUrl.IsEmpty && c.WebhookUrlFile.Length == 0)
        {
            throw node.Error("one of webhook_url or webhook_url_file must be configured");
        }

        return !c.WebhookUrl.IsEmpty && c.WebhookUrlFile.Length > 0
            ? throw node.Error("at most one of webhook_url & webhook_url_file must be configured")
            : c;
    }

    private EmailConfig ParseEmail(ConfigNode node, AlertmanagerGlobalConfig global)
    {
        var c = new EmailConfig { To = string.Empty };
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        node.Fields("config.plain", (key, v) =>
        {
            switch (key)
            {
                case "send_resolved": c = c with { SendResolved = v.Bool() }; return true;
                case "to": c = c with { To = v.String() }; return true;
                case "from": c = c with { From = v.String() }; return true;
                case "hello": c = c with { Hello = v.String() }; return true;
                case "smarthost": c = c with { Smarthost = ParseHostPort(v) }; return true;
                case "auth_username": c = c with { AuthUsername = v.String() }; return true;
                case "auth_password": c = c with { AuthPassword = new Secret(v.String()) }; return true;
                case "auth_password_file": c = c with { AuthPasswordFile = _paths.ResolvePath(v.String()) }; return true;
                case "auth_secret": c = c with { AuthSecret = new Secret(v.String()) }; return true;
                case "auth_identity": c = c with { AuthIdentity = v.String() }; return true;
                case "headers":
                    foreach (var (k, value) in v.StringMap())
                    {
                        var canonical = CanonicalHeader(k);
                        if (!headers.TryAdd(canonical, value))
                        {
                            throw v.Error($"duplicate header {ConfigParser.GoQuote(canonical)} in email config");
                        }
                    }

                    return true;
                case "html": c = c with { Html = v.String() }; return true;
                case "text": c = c with { Text = v.String() }; return true;
                case "require_tls": c = c with { RequireTls = v.Bool() }; return true;
                case "tls_config":
                    var fields = new HttpClientFields(_paths, HttpClientConfig.Default);
                    fields.TryField("tls_config", v, "config.EmailConfig");
                    c = c with { Tls = fields.Build(node).Tls };
                    return true;
                default: return false;
            }
        });
        if (c.To.Length == 0)
        {
            throw node.Error("missing to address in email config");
        }

        headers.TryAdd("Subject", """{{ template "email.default.subject" . }}""");
        if (c.Smarthost.Length == 0)
        {
            c = global.SmtpSmarthost.Length > 0 ? c with { Smarthost = global.SmtpSmarthost } : throw node.Error("no global SMTP smarthost set");
        }

        if (c.From.Length == 0)
        {
            c = global.SmtpFrom.Length > 0 ? c with { From = global.SmtpFrom } : throw node.Error("no global SMTP from set");
        }

        if (c.AuthPassword.IsEmpty && c.AuthPasswordFile.Length == 0)
        {
            c = c with { AuthPassword = global.SmtpAuthPassword, AuthPasswordFile = _paths.ResolvePath(global.SmtpAuthPasswordFile) };
        }

        return c with
        {
            Headers = headers,
            Hello = c.Hello.Length > 0 ? c.Hello : global.SmtpHello,
            AuthUsername = c.AuthUsername.Length > 0 ? c.AuthUsername : global.SmtpAuthUsername,
            AuthSecret = c.AuthSecret.IsEmpty ? global.SmtpAuthSecret : c.AuthSecret,
            AuthIdentity = c.AuthIdentity.Length > 0 ? c.AuthIdentity : global.SmtpAuthIdentity,
            RequireTls = c.RequireTls ?? global.SmtpRequireTls,
        };
    }

    // Go's textproto.CanonicalMIMEHeaderKey for the usual header names.
    private static string CanonicalHeader(string name) =>
        string.Join('-', name.Split('-').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..].ToLowerInvariant()));
}
