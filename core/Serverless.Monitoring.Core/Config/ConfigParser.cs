using System.Text.RegularExpressions;
using Serverless.Monitoring.Core.Discovery;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Relabeling;
using YamlDotNet.RepresentationModel;

namespace Serverless.Monitoring.Core.Config;

/// <summary>
/// Decodes <c>prometheus.yml</c> as upstream's <c>config.Load</c> does: strict (unknown fields are
/// errors), upstream's defaults, then upstream's validation. Relative file paths are resolved
/// against the configuration file's directory.
/// </summary>
internal sealed partial class ConfigParser
{
    // Upstream's patRulePath: a '*' only in the last path element.
    private static readonly Regex RulePathPattern = new(@"^[^*]*(\*[^/]*)?\z", RegexOptions.CultureInvariant);

    private static readonly Regex FileSdPattern = new(@"^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)\z", RegexOptions.CultureInvariant);

    // Upstream sections this server does not use; accepted and reported as warnings.
    private static readonly HashSet<string> IgnoredSections = new(StringComparer.Ordinal)
    {
        "runtime", "storage", "tracing", "remote_read", "otlp",
    };

    private static readonly HashSet<string> UnsupportedServiceDiscovery = new(StringComparer.Ordinal)
    {
        "azure_sd_configs", "consul_sd_configs", "digitalocean_sd_configs", "docker_sd_configs", "dockerswarm_sd_configs",
        "dns_sd_configs", "ec2_sd_configs", "eureka_sd_configs", "gce_sd_configs", "hetzner_sd_configs", "ionos_sd_configs",
        "kubernetes_sd_configs", "kuma_sd_configs", "lightsail_sd_configs", "linode_sd_configs", "marathon_sd_configs",
        "nerve_sd_configs", "nomad_sd_configs", "openstack_sd_configs", "ovhcloud_sd_configs", "puppetdb_sd_configs",
        "scaleway_sd_configs", "serverset_sd_configs", "stackit_sd_configs", "triton_sd_configs", "uyuni_sd_configs",
        "vultr_sd_configs", "outscale_sd_configs",
    };

    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "content-encoding", "content-length", "content-type", "user-agent", "connection", "keep-alive",
        "proxy-authenticate", "proxy-authorization", "www-authenticate", "accept-encoding",
        "x-prometheus-remote-write-version", "x-prometheus-remote-read-version",
        "x-amz-date", "x-amz-security-token", "x-amz-content-sha256",
    };

    private readonly string _fileName;
    private readonly string _directory;
    private readonly Func<string, string?> _environment;
    private readonly List<string> _warnings = [];

    public ConfigParser(string fileName, string directory, Func<string, string?> environment)
    {
        _fileName = fileName;
        _directory = directory;
        _environment = environment;
    }

    public PrometheusConfig Parse(string yaml)
    {
        var root = Load(yaml);
        var nodes = new Dictionary<string, ConfigNode>(StringComparer.Ordinal);
        root.Fields("config.Config", (key, v) =>
        {
            if (IgnoredSections.Contains(key))
            {
                _warnings.Add($"{_fileName}:{v.Node?.Start.Line}: section {key} is not used by this server and is ignored");
                return true;
            }

            if (key == "scrape_config_files")
            {
                throw v.Error("field scrape_config_files is not supported yet (type config.Config)");
            }

            if (key is "global" or "alerting" or "rule_files" or "scrape_configs" or "remote_write")
            {
                nodes[key] = v;
                return true;
            }

            return false;
        });

        // Global first: the other sections take their defaults from it.
        var global = nodes.TryGetValue("global", out var g) ? ParseGlobal(g) : GlobalConfig.Default;
        var ruleFiles = nodes.TryGetValue("rule_files", out var rf) ? ParseRuleFiles(rf) : [];
        var scrapeConfigs = nodes.TryGetValue("scrape_configs", out var sc) ? ParseScrapeConfigs(sc, global) : [];
        var alerting = nodes.TryGetValue("alerting", out var al) ? ParseAlerting(al, global) : AlertingConfig.Default;
        var remoteWrite = nodes.TryGetValue("remote_write", out var rw) ? ParseRemoteWrites(rw, global) : [];
        return new PrometheusConfig
        {
            Global = global,
            RuleFiles = ruleFiles,
            ScrapeConfigs = scrapeConfigs,
            Alerting = alerting,
            RemoteWrite = remoteWrite,
            FileName = _fileName,
            Warnings = _warnings.ToArray(),
        };
    }

    /// <summary>Upstream's <c>JoinDir</c>: relative paths are taken from the config file's directory.</summary>
    public string ResolvePath(string path) =>
        path.Length == 0 || Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(_directory, path));

    /// <summary>The root node of a single-document YAML text (null node when empty).</summary>
    internal ConfigNode LoadDocument(string yaml) => Load(yaml);

    private ConfigNode Load(string yaml) => YamlDocumentLoader.Load(_fileName, yaml);

    private GlobalConfig ParseGlobal(ConfigNode node)
    {
        var c = GlobalConfig.Default with { ScrapeInterval = TimeSpan.Zero, ScrapeTimeout = TimeSpan.Zero, EvaluationInterval = TimeSpan.Zero };
        ConfigNode externalLabels = default;
        ConfigNode timeoutNode = node;
        node.Fields("config.GlobalConfig", (key, v) =>
        {
            switch (key)
            {
                case "scrape_interval": c = c with { ScrapeInterval = v.Duration() }; return true;
                case "scrape_timeout": timeoutNode = v; c = c with { ScrapeTimeout = v.Duration() }; return true;
                case "evaluation_interval": c = c with { EvaluationInterval = v.Duration() }; return true;
                case "rule_query_offset": c = c with { RuleQueryOffset = v.Duration() }; return true;
                case "external_labels": externalLabels = v; return true;
                case "query_log_file": c = c with { QueryLogFile = ResolvePath(v.String()) }; return true;
                case "scrape_failure_log_file": c = c with { ScrapeFailureLogFile = ResolvePath(v.String()) }; return true;
                case "scrape_protocols": c = c with { ScrapeProtocols = ParseScrapeProtocols(v, "global config") }; return true;
                case "body_size_limit": c = c with { BodySizeLimit = v.ByteSize() }; return true;
                case "sample_limit": c = c with { SampleLimit = v.UInt32() }; return true;
                case "target_limit": c = c with { TargetLimit = v.UInt32() }; return true;
                case "label_limit": c = c with { LabelLimit = v.UInt32() }; return true;
                case "label_name_length_limit": c = c with { LabelNameLengthLimit = v.UInt32() }; return true;
                case "label_value_length_limit": c = c with { LabelValueLengthLimit = v.UInt32() }; return true;
                case "keep_dropped_targets": c = c with { KeepDroppedTargets = v.UInt32() }; return true;
                case "metric_name_validation_scheme": c = c with { MetricNameValidationScheme = ParseValidationScheme(v) ?? NameValidationScheme.Utf8 }; return true;
                case "metric_name_escaping_scheme": ParseEscapingScheme(v); return true;
                case "scrape_native_histograms" or "convert_classic_histograms_to_nhcb" or "always_scrape_classic_histograms" or "extra_scrape_metrics":
                    v.Bool();
                    return true;
                default: return false;
            }
        });

        if (externalLabels.Node is not null)
        {
            c = c with { ExternalLabels = ParseLabels(externalLabels, c.MetricNameValidationScheme, expandEnvironment: true) };
        }

        if (c.ScrapeInterval == TimeSpan.Zero)
        {
            c = c with { ScrapeInterval = GlobalConfig.Default.ScrapeInterval };
        }

        if (c.ScrapeTimeout > c.ScrapeInterval)
        {
            throw timeoutNode.Error("global scrape timeout greater than scrape interval");
        }

        if (c.ScrapeTimeout == TimeSpan.Zero)
        {
            c = c with { ScrapeTimeout = Min(GlobalConfig.Default.ScrapeTimeout, c.ScrapeInterval) };
        }

        if (c.EvaluationInterval == TimeSpan.Zero)
        {
            c = c with { EvaluationInterval = GlobalConfig.Default.EvaluationInterval };
        }

        return c;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private LabelSet ParseLabels(ConfigNode node, NameValidationScheme scheme, bool expandEnvironment)
    {
        var labels = new List<Label>();
        foreach (var (name, keyNode, valueNode) in node.Entries("model.LabelSet"))
        {
            if (!scheme.IsValidLabelName(name))
            {
                throw keyNode.Error($"{GoQuote(name)} is not a valid label name");
            }

            var value = valueNode.String();
            var v = expandEnvironment ? EnvironmentExpansion.Expand(value, _environment) : value;
            if (!LabelValidation.IsValidLabelValue(v))
            {
                throw valueNode.Error($"{GoQuote(v)} is not a valid label value");
            }

            labels.Add(new Label(name, v));
        }

        return LabelSet.TryCreate(labels.ToArray(), out var set, out var error) ? set : throw node.Error(error);
    }

    private static NameValidationScheme? ParseValidationScheme(ConfigNode v) => v.String() switch
    {
        "" => null,
        "utf8" => NameValidationScheme.Utf8,
        "legacy" => NameValidationScheme.Legacy,
        var s => throw v.Error($"unrecognized name validation scheme: {GoQuote(s)}, must be either '', 'legacy' or 'utf8'"),
    };

    private static string ParseEscapingScheme(ConfigNode v) => v.String() switch
    {
        "" or "allow-utf-8" or "underscores" or "dots" or "values" => v.String(),
        var s => throw v.Error($"unknown name escaping method specified, must be one of 'allow-utf-8', 'underscores', 'dots', or 'values', got {GoQuote(s)}"),
    };

    private static IReadOnlyList<string> ParseScrapeProtocols(ConfigNode node, string owner)
    {
        var list = node.StringList();
        if (list.Count == 0)
        {
            throw node.Error($"scrape_protocols cannot be empty for {owner}");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in list)
        {
            if (!seen.Add(p))
            {
                throw node.Error($"duplicated protocol in scrape_protocols, got [{string.Join(' ', list)}] for {owner}");
            }

            if (!ScrapeConfig.KnownScrapeProtocols.Contains(p))
            {
                throw node.Error($"scrape_protocols: unknown scrape protocol {p}, supported: [{string.Join(' ', ScrapeConfig.KnownScrapeProtocols)}] for {owner}");
            }
        }

        return list;
    }

    private string[] ParseRuleFiles(ConfigNode node)
    {
        var files = node.StringList();
        var resolved = new string[files.Count];
        for (var i = 0; i < files.Count; i++)
        {
            if (!RulePathPattern.IsMatch(files[i]))
            {
                throw new ConfigNode(_fileName, ((YamlSequenceNode)node.Node!).Children[i], $"{node.Path}[{i}]").Error($"invalid rule file path {GoQuote(files[i])}");
            }

            resolved[i] = ResolvePath(files[i]);
        }

        return resolved;
    }

    /// <summary>Go's <c>%q</c> for the strings that appear in messages.</summary>
    internal static string GoQuote(string s)
    {
        var sb = new System.Text.StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (char.IsControl(c))
                    {
                        sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }
}
