using Serverless.Monitoring.Core.Discovery;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Relabeling;

namespace Serverless.Monitoring.Core.Config;

internal sealed partial class ConfigParser
{
    private const string ScrapeConfigType = "config.ScrapeConfig";

    private IReadOnlyList<ScrapeConfig> ParseScrapeConfigs(ConfigNode node, GlobalConfig global)
    {
        var jobs = new HashSet<string>(StringComparer.Ordinal);
        return node.List("[]*config.ScrapeConfig", n =>
        {
            var (config, jobNode) = ParseScrapeConfig(n, global);
            if (!jobs.Add(config.JobName))
            {
                throw jobNode.Error($"found multiple scrape configs with job name {GoQuote(config.JobName)}");
            }

            return config;
        });
    }

    private (ScrapeConfig Config, ConfigNode JobNode) ParseScrapeConfig(ConfigNode node, GlobalConfig global)
    {
        if (node.IsNull)
        {
            throw node.Error("empty or null scrape config section");
        }

        var c = new ScrapeConfig { JobName = string.Empty, ScrapeInterval = TimeSpan.Zero, ScrapeTimeout = TimeSpan.Zero };
        var at = new Dictionary<string, ConfigNode>(StringComparer.Ordinal);
        var http = new HttpClientFields(this, HttpClientConfig.Default);
        var discovery = new DiscoveryFields(this);
        IReadOnlyList<string>? protocols = null;
        NameValidationScheme? scheme = null;
        List<(RelabelConfig Rule, ConfigNode Node)> relabel = [], metricRelabel = [];
        node.Fields(ScrapeConfigType, (key, v) =>
        {
            at[key] = v;
            switch (key)
            {
                case "job_name": c = c with { JobName = v.String() }; return true;
                case "honor_labels": c = c with { HonorLabels = v.Bool() }; return true;
                case "honor_timestamps": c = c with { HonorTimestamps = v.Bool() }; return true;
                case "track_timestamps_staleness": c = c with { TrackTimestampsStaleness = v.Bool() }; return true;
                case "params": c = c with { Params = ParseParams(v) }; return true;
                case "scrape_interval": c = c with { ScrapeInterval = v.Duration() }; return true;
                case "scrape_timeout": c = c with { ScrapeTimeout = v.Duration() }; return true;
                case "scrape_protocols": protocols = v.StringList(); return true;
                case "fallback_scrape_protocol": c = c with { FallbackScrapeProtocol = v.String() }; return true;
                case "metrics_path": c = c with { MetricsPath = v.String() }; return true;
                case "scheme": c = c with { Scheme = v.String() }; return true;
                case "enable_compression": c = c with { EnableCompression = v.Bool() }; return true;
                case "body_size_limit": c = c with { BodySizeLimit = v.ByteSize() }; return true;
                case "sample_limit": c = c with { SampleLimit = v.UInt32() }; return true;
                case "target_limit": c = c with { TargetLimit = v.UInt32() }; return true;
                case "label_limit": c = c with { LabelLimit = v.UInt32() }; return true;
                case "label_name_length_limit": c = c with { LabelNameLengthLimit = v.UInt32() }; return true;
                case "label_value_length_limit": c = c with { LabelValueLengthLimit = v.UInt32() }; return true;
                case "keep_dropped_targets": c = c with { KeepDroppedTargets = v.UInt32() }; return true;
                case "scrape_failure_log_file": c = c with { ScrapeFailureLogFile = ResolvePath(v.String()) }; return true;
                case "metric_name_validation_scheme": scheme = ParseValidationScheme(v); return true;
                case "metric_name_escaping_scheme": ParseEscapingScheme(v); return true;
                case "relabel_configs": relabel = ParseRelabelConfigs(v, "empty or null target relabeling rule in scrape config"); return true;
                case "metric_relabel_configs": metricRelabel = ParseRelabelConfigs(v, "empty or null metric relabeling rule in scrape config"); return true;

                // Native histograms are not stored yet: type-checked and ignored.
                case "scrape_native_histograms" or "always_scrape_classic_histograms" or "convert_classic_histograms_to_nhcb" or "extra_scrape_metrics":
                    v.Bool();
                    return true;
                case "native_histogram_bucket_limit": v.UInt32(); return true;
                case "native_histogram_min_bucket_factor": v.Double(); return true;
                default:
                    return http.TryField(key, v, ScrapeConfigType) || discovery.TryField(key, v, ScrapeConfigType);
            }
        });

        if (c.JobName.Length == 0)
        {
            throw (at.TryGetValue("job_name", out var j) ? j : node).Error("job_name is empty");
        }

        var job = GoQuote(c.JobName);
        c = c with { Http = http.Build(node) };

        // Upstream accepts any scheme here and fails each scrape; this server refuses it up front.
        if (c.Scheme is not ("http" or "https"))
        {
            throw at["scheme"].Error($"invalid scheme {GoQuote(c.Scheme)} for scrape config with job name {job}: must be 'http' or 'https'");
        }

        if (c.ScrapeInterval == TimeSpan.Zero)
        {
            c = c with { ScrapeInterval = global.ScrapeInterval };
        }

        if (c.ScrapeTimeout > c.ScrapeInterval)
        {
            throw (at.TryGetValue("scrape_timeout", out var t) ? t : node).Error($"scrape timeout greater than scrape interval for scrape config with job name {job}");
        }

        if (c.ScrapeTimeout == TimeSpan.Zero)
        {
            c = c with { ScrapeTimeout = Min(global.ScrapeTimeout, c.ScrapeInterval) };
        }

        c = c with
        {
            BodySizeLimit = c.BodySizeLimit == 0 ? global.BodySizeLimit : c.BodySizeLimit,
            SampleLimit = c.SampleLimit == 0 ? global.SampleLimit : c.SampleLimit,
            TargetLimit = c.TargetLimit == 0 ? global.TargetLimit : c.TargetLimit,
            LabelLimit = c.LabelLimit == 0 ? global.LabelLimit : c.LabelLimit,
            LabelNameLengthLimit = c.LabelNameLengthLimit == 0 ? global.LabelNameLengthLimit : c.LabelNameLengthLimit,
            LabelValueLengthLimit = c.LabelValueLengthLimit == 0 ? global.LabelValueLengthLimit : c.LabelValueLengthLimit,
            KeepDroppedTargets = c.KeepDroppedTargets == 0 ? global.KeepDroppedTargets : c.KeepDroppedTargets,
            ScrapeFailureLogFile = c.ScrapeFailureLogFile.Length == 0 ? global.ScrapeFailureLogFile : c.ScrapeFailureLogFile,
            ScrapeProtocols = protocols is null
                ? global.ScrapeProtocols ?? ScrapeConfig.DefaultScrapeProtocols
                : ParseScrapeProtocols(at["scrape_protocols"], $"scrape config with job name {job}"),
            MetricNameValidationScheme = scheme ?? global.MetricNameValidationScheme,
        };

        if (c.FallbackScrapeProtocol.Length > 0 && !ScrapeConfig.KnownScrapeProtocols.Contains(c.FallbackScrapeProtocol))
        {
            throw at["fallback_scrape_protocol"].Error(
                $"invalid fallback_scrape_protocol for scrape config with job name {job}: unknown scrape protocol {c.FallbackScrapeProtocol}, supported: [{string.Join(' ', ScrapeConfig.KnownScrapeProtocols)}]");
        }

        c = c with
        {
            RelabelConfigs = ValidateRelabelConfigs(relabel, c.MetricNameValidationScheme),
            MetricRelabelConfigs = ValidateRelabelConfigs(metricRelabel, c.MetricNameValidationScheme),
        };
        var (statics, files, https) = discovery.Build(checkStaticTargets: relabel.Count == 0);
        c = c with { StaticConfigs = statics, FileSdConfigs = files, HttpSdConfigs = https };
        return (c, at["job_name"]);
    }

    private static List<KeyValuePair<string, IReadOnlyList<string>>> ParseParams(ConfigNode node)
    {
        var list = new List<KeyValuePair<string, IReadOnlyList<string>>>();
        foreach (var (name, _, value) in node.Entries("url.Values"))
        {
            list.Add(new(name, value.StringList()));
        }

        return list;
    }

    /// <summary>The service discovery fields of a section: <c>static_configs</c>, <c>file_sd_configs</c>, <c>http_sd_configs</c>.</summary>
    private sealed class DiscoveryFields(ConfigParser parser)
    {
        private readonly List<TargetGroup> _static = [];
        private readonly List<(string Address, ConfigNode Node)> _addresses = [];
        private readonly List<FileSdConfig> _files = [];
        private readonly List<HttpSdConfig> _http = [];
        private int _next;

        public bool TryField(string key, ConfigNode v, string typeName)
        {
            switch (key)
            {
                case "static_configs":
                    _static.AddRange(v.List("discovery.StaticConfig", ParseStaticGroup));
                    return true;
                case "file_sd_configs":
                    _files.AddRange(v.List("[]*file.SDConfig", parser.ParseFileSd));
                    return true;
                case "http_sd_configs":
                    _http.AddRange(v.List("[]*http.SDConfig", parser.ParseHttpSd));
                    return true;
                default:
                    if (UnsupportedServiceDiscovery.Contains(key))
                    {
                        throw v.Error($"field {key} is not supported yet (type {typeName}); supported discovery: static_configs, file_sd_configs, http_sd_configs");
                    }

                    return false;
            }
        }

        public (IReadOnlyList<TargetGroup>, IReadOnlyList<FileSdConfig>, IReadOnlyList<HttpSdConfig>) Build(bool checkStaticTargets)
        {
            if (checkStaticTargets)
            {
                // Upstream's check for URLs put where host:port belongs (skipped when relabeling may fix them).
                foreach (var (address, node) in _addresses)
                {
                    if (address.Contains('/', StringComparison.Ordinal))
                    {
                        throw node.Error($"{GoQuote(address)} is not a valid hostname");
                    }
                }
            }

            return (_static.ToArray(), _files.ToArray(), _http.ToArray());
        }

        private TargetGroup ParseStaticGroup(ConfigNode node)
        {
            if (node.IsNull)
            {
                throw node.Error("empty or null section in static_configs");
            }

            var source = (_next++).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return parser.ParseTargetGroup(node, source, _addresses);
        }
    }

    /// <summary>A target group (<c>targets</c> and <c>labels</c>) as in static configs and file SD YAML files.</summary>
    internal TargetGroup ParseTargetGroup(ConfigNode node, string source, List<(string Address, ConfigNode Node)>? addresses)
    {
        var targets = new List<LabelSet>();
        var labels = LabelSet.Empty;
        node.Fields("targetgroup.Group", (key, v) =>
        {
            switch (key)
            {
                case "targets":
                    foreach (var t in v.List("[]string", n => (Address: n.String(), Node: n)))
                    {
                        addresses?.Add(t);
                        targets.Add(t.Address.Length == 0 ? LabelSet.Empty : LabelSet.FromStrings(TargetGroup.AddressLabel, t.Address));
                    }

                    return true;
                case "labels":
                    labels = ParseLabels(v, NameValidationScheme.Utf8, expandEnvironment: false);
                    return true;
                default:
                    return false;
            }
        });
        return new TargetGroup { Targets = targets, Labels = labels, Source = source };
    }

    private FileSdConfig ParseFileSd(ConfigNode node)
    {
        var files = (IReadOnlyList<string>)[];
        var refresh = FileSdConfig.DefaultRefreshInterval;
        ConfigNode filesNode = node;
        node.Fields("file.SDConfig", (key, v) =>
        {
            switch (key)
            {
                case "files": files = v.StringList(); filesNode = v; return true;
                case "refresh_interval": refresh = v.Duration(); return true;
                default: return false;
            }
        });

        if (files.Count == 0)
        {
            throw node.Error("file service discovery config must contain at least one path name");
        }

        foreach (var name in files)
        {
            if (!FileSdPattern.IsMatch(name))
            {
                throw filesNode.Error($"path name {GoQuote(name)} is not valid for file discovery");
            }
        }

        return new FileSdConfig { Files = files.Select(ResolvePath).ToArray(), RefreshInterval = refresh };
    }

    private HttpSdConfig ParseHttpSd(ConfigNode node)
    {
        var url = string.Empty;
        var urlNode = node;
        var refresh = HttpSdConfig.DefaultRefreshInterval;
        var http = new HttpClientFields(this, HttpClientConfig.Default);
        node.Fields("http.SDConfig", (key, v) =>
        {
            switch (key)
            {
                case "url": url = v.String(); urlNode = v; return true;
                case "refresh_interval": refresh = v.Duration(); return true;
                default: return http.TryField(key, v, "http.SDConfig");
            }
        });

        var uri = ParseHttpUrl(urlNode, url, "URL is missing");
        return new HttpSdConfig { Url = uri, RefreshInterval = refresh, Http = http.Build(node) };
    }

    private static Uri ParseHttpUrl(ConfigNode node, string url, string missing)
    {
        if (url.Length == 0)
        {
            throw node.Error(missing);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw node.Error($"parse {GoQuote(url)}: invalid URL");
        }

        if (uri.Scheme is not ("http" or "https"))
        {
            throw node.Error("URL scheme must be 'http' or 'https'");
        }

        if (uri.Host.Length == 0)
        {
            throw node.Error("host is missing in URL");
        }

        return uri;
    }
}
