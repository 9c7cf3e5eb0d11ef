using Serverless.Monitoring.Core.Alerting.Matchers;
using Serverless.Monitoring.Core.Alerting.TimeIntervals;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.Config;

/// <summary>
/// Decodes <c>alertmanager.yml</c> as Alertmanager's <c>config.LoadFile</c>: strict YAML (unknown
/// fields are errors), upstream's defaults and validation, every error with file, line and field.
/// </summary>
internal sealed partial class AlertmanagerConfigParser
{
    // Receiver kinds Alertmanager has that we do not send to yet: refused, never ignored.
    private static readonly HashSet<string> UnsupportedReceivers = new(StringComparer.Ordinal)
    {
        "opsgenie_configs", "victorops_configs", "wechat_configs", "pushover_configs", "sns_configs",
        "telegram_configs", "webex_configs", "discord_configs", "rocketchat_configs", "jira_configs",
        "incidentio_configs", "msteamsv2_configs", "mattermost_configs",
    };

    // Global fields for those receivers: accepted (amtool accepts them) but not used.
    private static readonly HashSet<string> UnusedGlobals = new(StringComparer.Ordinal)
    {
        "opsgenie_api_url", "opsgenie_api_key", "opsgenie_api_key_file", "wechat_api_url", "wechat_api_secret",
        "wechat_api_corp_id", "victorops_api_url", "victorops_api_key", "victorops_api_key_file", "telegram_api_url",
        "webex_api_url",
    };

    private readonly string _fileName;
    private readonly MatcherSyntax _syntax;
    private readonly ConfigParser _paths;

    // Nodes kept for validation after decoding, so its errors point at the field.
    private readonly List<(RouteConfig Route, ConfigNode Node, Dictionary<string, ConfigNode> Fields)> _routes = [];

    public AlertmanagerConfigParser(string fileName, string directory, MatcherSyntax syntax)
    {
        _fileName = fileName;
        _syntax = syntax;
        _paths = new ConfigParser(fileName, directory, Environment.GetEnvironmentVariable);
    }

    public AlertmanagerConfiguration Parse(string yaml)
    {
        var root = YamlDocumentLoader.Load(_fileName, yaml);
        var nodes = new Dictionary<string, ConfigNode>(StringComparer.Ordinal);
        root.Fields("config.plain", (key, v) =>
        {
            if (key is "global" or "route" or "inhibit_rules" or "receivers" or "templates" or "mute_time_intervals"
                or "time_intervals" or "escalation_policies")
            {
                nodes[key] = v;
                return true;
            }

            return false;
        });

        var global = nodes.TryGetValue("global", out var g) && !g.IsNull ? ParseGlobal(g) : AlertmanagerGlobalConfig.Default;
        var receivers = nodes.TryGetValue("receivers", out var rn) ? ParseReceivers(rn, global) : [];
        if (!nodes.TryGetValue("route", out var routeNode) || routeNode.IsNull)
        {
            throw root.IsNull
                ? root.Error("no route provided in config")
                : new ConfigException(_fileName, root.Node!.Start.Line, root.Node.Start.Column, "route", "no routes provided");
        }

        var route = ParseRoute(routeNode);
        var inhibit = nodes.TryGetValue("inhibit_rules", out var ir) ? ir.List("[]*config.InhibitRule", ParseInhibitRule) : [];
        var templates = nodes.TryGetValue("templates", out var tn) ? tn.StringList().Select(_paths.ResolvePath).ToArray() : [];
        var intervals = new Dictionary<string, NamedTimeInterval>(StringComparer.Ordinal);
        if (nodes.TryGetValue("mute_time_intervals", out var mti))
        {
            ParseTimeIntervals(mti, intervals, "mute time interval");
        }

        if (nodes.TryGetValue("time_intervals", out var ti))
        {
            ParseTimeIntervals(ti, intervals, "time interval");
        }

        var policies = nodes.TryGetValue("escalation_policies", out var ep) ? ParseEscalationPolicies(ep) : [];

        ValidateRoot(route, routeNode);
        var receiverNames = receivers.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        ValidateRoutes(receiverNames, intervals, policies);
        ValidatePolicies(ep, policies, receiverNames, intervals);
        return new AlertmanagerConfiguration
        {
            Global = global,
            Route = route,
            InhibitRules = inhibit,
            Receivers = receivers,
            Templates = templates,
            TimeIntervals = intervals,
            EscalationPolicies = policies,
            FileName = _fileName,
        };
    }

    private AlertmanagerGlobalConfig ParseGlobal(ConfigNode node)
    {
        var c = AlertmanagerGlobalConfig.Default;
        ConfigNode slackUrl = default;
        node.Fields("config.GlobalConfig", (key, v) =>
        {
            switch (key)
            {
                case "resolve_timeout": c = c with { ResolveTimeout = v.Duration() }; return true;
                case "http_config": c = c with { Http = ParseHttp(v) }; return true;
                case "smtp_from": c = c with { SmtpFrom = v.String() }; return true;
                case "smtp_hello": c = c with { SmtpHello = v.String() }; return true;
                case "smtp_smarthost": c = c with { SmtpSmarthost = ParseHostPort(v) }; return true;
                case "smtp_auth_username": c = c with { SmtpAuthUsername = v.String() }; return true;
                case "smtp_auth_password": c = c with { SmtpAuthPassword = new Secret(v.String()) }; return true;
                case "smtp_auth_password_file": c = c with { SmtpAuthPasswordFile = v.String() }; return true;
                case "smtp_auth_secret": c = c with { SmtpAuthSecret = new Secret(v.String()) }; return true;
                case "smtp_auth_identity": c = c with { SmtpAuthIdentity = v.String() }; return true;
                case "smtp_require_tls": c = c with { SmtpRequireTls = v.Bool() }; return true;
                case "slack_api_url": slackUrl = v; c = c with { SlackApiUrl = new Secret(ParseUrl(v)) }; return true;
                case "slack_api_url_file": c = c with { SlackApiUrlFile = v.String() }; return true;
                case "pagerduty_url": c = c with { PagerdutyUrl = ParseUrl(v) }; return true;
                default:
                    if (UnusedGlobals.Contains(key))
                    {
                        v.String();
                        return true;
                    }

                    return false;
            }
        });

        if (!c.SlackApiUrl.IsEmpty && c.SlackApiUrlFile.Length > 0)
        {
            throw slackUrl.Error("at most one of slack_api_url & slack_api_url_file must be configured");
        }

        if (!c.SmtpAuthPassword.IsEmpty && c.SmtpAuthPasswordFile.Length > 0)
        {
            throw node.Error("at most one of smtp_auth_password & smtp_auth_password_file must be configured");
        }

        return c;
    }

    private HttpClientConfig ParseHttp(ConfigNode node)
    {
        var fields = new HttpClientFields(_paths, HttpClientConfig.Default);
        node.Fields("config.HTTPClientConfig", (key, v) => fields.TryField(key, v, "config.HTTPClientConfig"));
        return fields.Build(node);
    }

    private RouteConfig ParseRoute(ConfigNode node)
    {
        var r = new RouteConfig();
        var fields = new Dictionary<string, ConfigNode>(StringComparer.Ordinal);
        var matchers = new List<LabelMatcher>();
        node.Fields("config.plain", (key, v) =>
        {
            fields[key] = v;
            switch (key)
            {
                case "receiver": r = r with { Receiver = v.String() }; return true;
                case "group_by": r = ParseGroupBy(r, v); return true;
                case "match": r = r with { Match = ParseLabelMap(v, "map[string]string") }; return true;
                case "match_re": r = r with { MatchRe = ParseRegexMap(v) }; return true;
                case "matchers": matchers.AddRange(ParseMatcherList(v)); return true;
                case "mute_time_intervals": r = r with { MuteTimeIntervals = v.StringList() }; return true;
                case "active_time_intervals": r = r with { ActiveTimeIntervals = v.StringList() }; return true;
                case "continue": r = r with { Continue = v.Bool() }; return true;
                case "routes": r = r with { Routes = v.List("[]*config.Route", ParseRoute) }; return true;
                case "group_wait": r = r with { GroupWait = v.IsNull ? null : v.Duration() }; return true;
                case "group_interval":
                    r = r with { GroupInterval = v.IsNull ? null : v.Duration() };
                    return r.GroupInterval == TimeSpan.Zero ? throw v.Error("group_interval cannot be zero") : true;
                case "repeat_interval":
                    r = r with { RepeatInterval = v.IsNull ? null : v.Duration() };
                    return r.RepeatInterval == TimeSpan.Zero ? throw v.Error("repeat_interval cannot be zero") : true;
                case "escalation_policy": r = r with { EscalationPolicy = v.String() }; return true;
                default: return false;
            }
        });
        r = r with { Matchers = AlertmanagerMatchers.Sorted(matchers) };
        _routes.Add((r, node, fields));
        return r;
    }

    private static RouteConfig ParseGroupBy(RouteConfig r, ConfigNode v)
    {
        var labels = new List<string>();
        var all = false;
        var items = v.List("[]string", n => (Value: n.String(), Node: n));
        foreach (var (label, n) in items)
        {
            if (label == "...")
            {
                all = true;
                continue;
            }

            if (!LabelValidation.IsValidLegacyLabelName(label))
            {
                throw n.Error($"invalid label name {ConfigParser.GoQuote(label)} in group_by list");
            }

            if (labels.Contains(label, StringComparer.Ordinal))
            {
                throw n.Error($"duplicated label {ConfigParser.GoQuote(label)} in group_by");
            }

            labels.Add(label);
        }

        if (all && labels.Count > 0)
        {
            throw v.Error("cannot have wildcard group_by (`...`) and other other labels at the same time");
        }

        return r with { GroupBy = v.IsNull || all ? null : labels, GroupByAll = all };
    }

    private static List<KeyValuePair<string, string>> ParseLabelMap(ConfigNode v, string goType)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (var (key, keyNode, value) in v.Entries(goType))
        {
            if (!LabelValidation.IsValidLegacyLabelName(key))
            {
                throw keyNode.Error($"invalid label name {ConfigParser.GoQuote(key)}");
            }

            list.Add(new(key, value.String()));
        }

        return list;
    }

    private static List<KeyValuePair<string, string>> ParseRegexMap(ConfigNode v)
    {
        var list = ParseLabelMap(v, "config.MatchRegexps");
        foreach (var (key, keyNode, value) in v.Entries("config.MatchRegexps"))
        {
            if (value.IsNull)
            {
                throw value.Error($"invalid regexp value for {ConfigParser.GoQuote(key)}");
            }

            try
            {
                LabelMatcher.RegexMatch(key, value.String());
            }
            catch (ArgumentException ex)
            {
                throw value.Error($"error parsing regexp: {ex.Message}");
            }
        }

        return list;
    }

    private LabelMatcher[] ParseMatcherList(ConfigNode v)
    {
        var list = new List<LabelMatcher>();
        foreach (var (text, node) in v.List("[]string", n => (n.String(), n)))
        {
            try
            {
                list.AddRange(AlertmanagerMatchers.Parse(text, _syntax));
            }
            catch (FormatException ex)
            {
                throw node.Error(ex.Message);
            }
        }

        return AlertmanagerMatchers.Sorted(list);
    }

    private InhibitRuleConfig ParseInhibitRule(ConfigNode node)
    {
        var source = new List<LabelMatcher>();
        var target = new List<LabelMatcher>();
        var equal = new List<string>();
        node.Fields("config.plain", (key, v) =>
        {
            switch (key)
            {
                case "source_match": source.AddRange(ParseLabelMap(v, "map[string]string").Select(p => LabelMatcher.Equal(p.Key, p.Value))); return true;
                case "source_match_re": source.AddRange(ParseRegexMap(v).Select(p => LabelMatcher.RegexMatch(p.Key, Routing.Route.AnchoredRegex(p.Value)))); return true;
                case "source_matchers": source.AddRange(ParseMatcherList(v)); return true;
                case "target_match": target.AddRange(ParseLabelMap(v, "map[string]string").Select(p => LabelMatcher.Equal(p.Key, p.Value))); return true;
                case "target_match_re": target.AddRange(ParseRegexMap(v).Select(p => LabelMatcher.RegexMatch(p.Key, Routing.Route.AnchoredRegex(p.Value)))); return true;
                case "target_matchers": target.AddRange(ParseMatcherList(v)); return true;
                case "equal":
                    foreach (var (label, n) in v.List("model.LabelNames", n => (n.String(), n)))
                    {
                        if (!LabelValidation.IsValidLegacyLabelName(label))
                        {
                            throw n.Error($"{ConfigParser.GoQuote(label)} is not a valid label name");
                        }

                        equal.Add(label);
                    }

                    return true;
                default: return false;
            }
        });
        return new InhibitRuleConfig { SourceMatchers = source, TargetMatchers = target, Equal = equal };
    }

    private static void ParseTimeIntervals(ConfigNode node, Dictionary<string, NamedTimeInterval> intervals, string what)
    {
        foreach (var (named, n) in node.List("[]config.TimeInterval", n => (ParseNamedInterval(n, what), n)))
        {
            if (!intervals.TryAdd(named.Name, named))
            {
                throw n.Error($"{what} {ConfigParser.GoQuote(named.Name)} is not unique");
            }
        }
    }

    private static NamedTimeInterval ParseNamedInterval(ConfigNode node, string what)
    {
        var name = string.Empty;
        IReadOnlyList<TimeInterval> list = [];
        node.Fields("config.plain", (key, v) =>
        {
            switch (key)
            {
                case "name": name = v.String(); return true;
                case "time_intervals": list = v.List("[]timeinterval.TimeInterval", TimeIntervalParser.Parse); return true;
                default: return false;
            }
        });
        return name.Length == 0 ? throw node.Error($"missing name in {what}") : new NamedTimeInterval(name, list);
    }

    private void ValidateRoot(RouteConfig root, ConfigNode node)
    {
        var fields = _routes[^1].Fields;
        if (root.Receiver.Length == 0)
        {
            throw node.Error("root route must specify a default receiver");
        }

        if (root.Match.Count > 0 || root.MatchRe.Count > 0 || root.Matchers.Count > 0)
        {
            throw At(fields, node, "matchers", "match", "match_re").Error("root route must not have any matchers");
        }

        if (root.MuteTimeIntervals.Count > 0)
        {
            throw At(fields, node, "mute_time_intervals").Error("root route must not have any mute time intervals");
        }

        if (root.ActiveTimeIntervals.Count > 0)
        {
            throw At(fields, node, "active_time_intervals").Error("root route must not have any active time intervals");
        }

        if (root.Continue)
        {
            throw At(fields, node, "continue").Error("cannot have continue in root route");
        }
    }

    private void ValidateRoutes(HashSet<string> receivers, Dictionary<string, NamedTimeInterval> intervals, IReadOnlyList<EscalationPolicy> policies)
    {
        // _routes holds children before parents (depth-first, post-order), the order upstream checks in.
        foreach (var (route, node, fields) in _routes)
        {
            if (route.Receiver.Length > 0 && !receivers.Contains(route.Receiver))
            {
                throw At(fields, node, "receiver").Error($"undefined receiver {ConfigParser.GoQuote(route.Receiver)} used in route");
            }
        }

        foreach (var (route, node, fields) in _routes)
        {
            foreach (var (field, names) in new[] { ("active_time_intervals", route.ActiveTimeIntervals), ("mute_time_intervals", route.MuteTimeIntervals) })
            {
                foreach (var name in names)
                {
                    if (!intervals.ContainsKey(name))
                    {
                        throw At(fields, node, field).Error($"undefined time interval {ConfigParser.GoQuote(name)} used in route");
                    }
                }
            }

            if (route.EscalationPolicy is { } policy && !policies.Any(p => p.Name == policy))
            {
                throw At(fields, node, "escalation_policy").Error($"undefined escalation policy {ConfigParser.GoQuote(policy)} used in route");
            }
        }
    }

    private static ConfigNode At(Dictionary<string, ConfigNode> fields, ConfigNode owner, params string[] keys)
    {
        foreach (var key in keys)
        {
            if (fields.TryGetValue(key, out var n))
            {
                return n;
            }
        }

        return owner;
    }

    private static string ParseUrl(ConfigNode v)
    {
        var text = v.String();
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            // Go's url.Parse accepts nearly anything; what it gives back fails the scheme check.
            var scheme = text.Contains("://", StringComparison.Ordinal) ? text[..text.IndexOf("://", StringComparison.Ordinal)] : string.Empty;
            throw v.Error($"unsupported scheme {ConfigParser.GoQuote(scheme)} for URL");
        }

        if (uri.Scheme is not ("http" or "https"))
        {
            throw v.Error($"unsupported scheme {ConfigParser.GoQuote(uri.Scheme)} for URL");
        }

        return uri.Host.Length == 0 ? throw v.Error("missing host for URL") : text;
    }

    private static string ParseHostPort(ConfigNode v)
    {
        var text = v.String();
        if (text.Length == 0)
        {
            return text;
        }

        var colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            throw v.Error($"address {text}: missing port in address");
        }

        return colon == text.Length - 1 ? throw v.Error($"address {ConfigParser.GoQuote(text)}: port cannot be empty") : text;
    }
}
