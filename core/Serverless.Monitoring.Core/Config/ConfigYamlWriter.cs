using System.Globalization;
using Serverless.Monitoring.Core.Discovery;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Relabeling;
using YamlDotNet.Serialization;

namespace Serverless.Monitoring.Core.Config;

/// <summary>
/// Prints a <see cref="PrometheusConfig"/> back as YAML in upstream's shape (as
/// <c>/api/v1/status/config</c> shows it): defaults spelled out, durations in Prometheus form,
/// secrets as <c>&lt;secret&gt;</c>.
/// </summary>
internal sealed class ConfigYamlWriter
{
    private readonly bool _revealSecrets;

    private ConfigYamlWriter(bool revealSecrets)
    {
        _revealSecrets = revealSecrets;
    }

    public static string Write(PrometheusConfig config, bool revealSecrets)
    {
        var writer = new ConfigYamlWriter(revealSecrets);
        var root = new Map
        {
            ["global"] = Global(config.Global),
        };
        if (config.Alerting.Alertmanagers.Count > 0 || config.Alerting.AlertRelabelConfigs.Count > 0)
        {
            root["alerting"] = writer.Alerting(config.Alerting);
        }

        if (config.RuleFiles.Count > 0)
        {
            root["rule_files"] = config.RuleFiles.ToList();
        }

        if (config.ScrapeConfigs.Count > 0)
        {
            root["scrape_configs"] = config.ScrapeConfigs.Select(writer.Scrape).ToList();
        }

        if (config.RemoteWrite.Count > 0)
        {
            root["remote_write"] = config.RemoteWrite.Select(writer.RemoteWrite).ToList();
        }

        return new SerializerBuilder().DisableAliases().Build().Serialize(root);
    }

    private static string Duration(TimeSpan d) => PrometheusDuration.Format(d);

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static void AddIf(Map map, string key, bool condition, object value)
    {
        if (condition)
        {
            map[key] = value;
        }
    }

    private static Map Labels(LabelSet labels)
    {
        var map = new Map();
        foreach (var l in labels)
        {
            map[l.Name] = l.Value;
        }

        return map;
    }

    private static Map Global(GlobalConfig g)
    {
        var map = new Map
        {
            ["scrape_interval"] = Duration(g.ScrapeInterval),
            ["scrape_timeout"] = Duration(g.ScrapeTimeout),
        };
        if (g.ScrapeProtocols is { } protocols)
        {
            map["scrape_protocols"] = protocols.ToList();
        }

        map["evaluation_interval"] = Duration(g.EvaluationInterval);
        map["rule_query_offset"] = Duration(g.RuleQueryOffset);
        AddIf(map, "query_log_file", g.QueryLogFile.Length > 0, g.QueryLogFile);
        AddIf(map, "scrape_failure_log_file", g.ScrapeFailureLogFile.Length > 0, g.ScrapeFailureLogFile);
        AddIf(map, "external_labels", !g.ExternalLabels.IsEmpty, Labels(g.ExternalLabels));
        Limits(map, g.BodySizeLimit, g.SampleLimit, g.TargetLimit, g.LabelLimit, g.LabelNameLengthLimit, g.LabelValueLengthLimit, g.KeepDroppedTargets);
        map["metric_name_validation_scheme"] = g.MetricNameValidationScheme.ToConfigString();
        return map;
    }

    private static void Limits(Map map, long body, uint samples, uint targets, uint labels, uint nameLength, uint valueLength, uint keepDropped)
    {
        AddIf(map, "body_size_limit", body > 0, ByteSizeText(body));
        AddIf(map, "sample_limit", samples > 0, Number(samples));
        AddIf(map, "target_limit", targets > 0, Number(targets));
        AddIf(map, "label_limit", labels > 0, Number(labels));
        AddIf(map, "label_name_length_limit", nameLength > 0, Number(nameLength));
        AddIf(map, "label_value_length_limit", valueLength > 0, Number(valueLength));
        AddIf(map, "keep_dropped_targets", keepDropped > 0, Number(keepDropped));
    }

    private static string ByteSizeText(long bytes)
    {
        foreach (var (unit, size) in new[] { ("TB", 1L << 40), ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10) })
        {
            if (bytes % size == 0)
            {
                return Number(bytes / size) + unit;
            }
        }

        return Number(bytes) + "B";
    }

    private Map Scrape(ScrapeConfig c)
    {
        var map = new Map
        {
            ["job_name"] = c.JobName,
            ["honor_labels"] = c.HonorLabels,
            ["honor_timestamps"] = c.HonorTimestamps,
            ["track_timestamps_staleness"] = c.TrackTimestampsStaleness,
        };
        if (c.Params.Count > 0)
        {
            var p = new Map();
            foreach (var (name, values) in c.Params)
            {
                p[name] = values.ToList();
            }

            map["params"] = p;
        }

        map["scrape_interval"] = Duration(c.ScrapeInterval);
        map["scrape_timeout"] = Duration(c.ScrapeTimeout);
        map["scrape_protocols"] = c.ScrapeProtocols.ToList();
        AddIf(map, "fallback_scrape_protocol", c.FallbackScrapeProtocol.Length > 0, c.FallbackScrapeProtocol);
        AddIf(map, "scrape_failure_log_file", c.ScrapeFailureLogFile.Length > 0, c.ScrapeFailureLogFile);
        map["metrics_path"] = c.MetricsPath;
        map["scheme"] = c.Scheme;
        map["enable_compression"] = c.EnableCompression;
        Limits(map, c.BodySizeLimit, c.SampleLimit, c.TargetLimit, c.LabelLimit, c.LabelNameLengthLimit, c.LabelValueLengthLimit, c.KeepDroppedTargets);
        map["metric_name_validation_scheme"] = c.MetricNameValidationScheme.ToConfigString();
        Http(map, c.Http);
        Discovery(map, c.StaticConfigs, c.FileSdConfigs, c.HttpSdConfigs);
        AddIf(map, "relabel_configs", c.RelabelConfigs.Count > 0, c.RelabelConfigs.Select(Relabel).ToList());
        AddIf(map, "metric_relabel_configs", c.MetricRelabelConfigs.Count > 0, c.MetricRelabelConfigs.Select(Relabel).ToList());
        return map;
    }

    private void Discovery(Map map, IReadOnlyList<TargetGroup> statics, IReadOnlyList<FileSdConfig> files, IReadOnlyList<HttpSdConfig> https)
    {
        if (statics.Count > 0)
        {
            map["static_configs"] = statics.Select(g =>
            {
                var group = new Map { ["targets"] = g.Addresses.ToList() };
                AddIf(group, "labels", !g.Labels.IsEmpty, Labels(g.Labels));
                return group;
            }).ToList();
        }

        if (files.Count > 0)
        {
            map["file_sd_configs"] = files.Select(f => new Map
            {
                ["files"] = f.Files.ToList(),
                ["refresh_interval"] = Duration(f.RefreshInterval),
            }).ToList();
        }

        if (https.Count > 0)
        {
            map["http_sd_configs"] = https.Select(h =>
            {
                var m = new Map();
                Http(m, h.Http);
                m["url"] = h.Url.OriginalString;
                m["refresh_interval"] = Duration(h.RefreshInterval);
                return m;
            }).ToList();
        }
    }

    private void Http(Map map, HttpClientConfig http)
    {
        if (http.BasicAuth is { } basic)
        {
            var b = new Map();
            AddIf(b, "username", basic.Username.Length > 0, basic.Username);
            AddIf(b, "username_file", basic.UsernameFile.Length > 0, basic.UsernameFile);
            AddIf(b, "password", !basic.Password.IsEmpty, Secret(basic.Password));
            AddIf(b, "password_file", basic.PasswordFile.Length > 0, basic.PasswordFile);
            map["basic_auth"] = b;
        }

        if (http.Authorization is { } auth)
        {
            var a = new Map { ["type"] = auth.Type };
            AddIf(a, "credentials", !auth.Credentials.IsEmpty, Secret(auth.Credentials));
            AddIf(a, "credentials_file", auth.CredentialsFile.Length > 0, auth.CredentialsFile);
            map["authorization"] = a;
        }

        var t = http.Tls;
        var tls = new Map();
        AddIf(tls, "ca", t.Ca.Length > 0, t.Ca);
        AddIf(tls, "cert", t.Cert.Length > 0, t.Cert);
        AddIf(tls, "key", !t.Key.IsEmpty, Secret(t.Key));
        AddIf(tls, "ca_file", t.CaFile.Length > 0, t.CaFile);
        AddIf(tls, "cert_file", t.CertFile.Length > 0, t.CertFile);
        AddIf(tls, "key_file", t.KeyFile.Length > 0, t.KeyFile);
        AddIf(tls, "server_name", t.ServerName.Length > 0, t.ServerName);
        tls["insecure_skip_verify"] = t.InsecureSkipVerify;
        AddIf(tls, "min_version", t.MinVersion.Length > 0, t.MinVersion);
        AddIf(tls, "max_version", t.MaxVersion.Length > 0, t.MaxVersion);
        map["tls_config"] = tls;
        map["follow_redirects"] = http.FollowRedirects;
        map["enable_http2"] = http.EnableHttp2;
    }

    private string Secret(Secret secret) => _revealSecrets ? secret.Reveal() : Config.Secret.Redacted;

    private static Map Relabel(RelabelConfig r)
    {
        var map = new Map();
        AddIf(map, "source_labels", r.SourceLabels.Count > 0, r.SourceLabels.ToList());
        map["separator"] = r.Separator;
        AddIf(map, "regex", !ReferenceEquals(r.Regex, RelabelRegex.Default), r.Regex.Text);
        AddIf(map, "modulus", r.Modulus > 0, r.Modulus.ToString(CultureInfo.InvariantCulture));
        AddIf(map, "target_label", r.TargetLabel.Length > 0, r.TargetLabel);
        map["replacement"] = r.Replacement;
        map["action"] = r.Action.ToConfigString();
        return map;
    }

    private Map Alerting(AlertingConfig a)
    {
        var map = new Map();
        AddIf(map, "alert_relabel_configs", a.AlertRelabelConfigs.Count > 0, a.AlertRelabelConfigs.Select(Relabel).ToList());
        map["alertmanagers"] = a.Alertmanagers.Select(am =>
        {
            var m = new Map();
            Http(m, am.Http);
            m["scheme"] = am.Scheme;
            AddIf(m, "path_prefix", am.PathPrefix.Length > 0, am.PathPrefix);
            m["timeout"] = Duration(am.Timeout);
            m["api_version"] = am.ApiVersion;
            AddIf(m, "relabel_configs", am.RelabelConfigs.Count > 0, am.RelabelConfigs.Select(Relabel).ToList());
            AddIf(m, "alert_relabel_configs", am.AlertRelabelConfigs.Count > 0, am.AlertRelabelConfigs.Select(Relabel).ToList());
            Discovery(m, am.StaticConfigs, am.FileSdConfigs, am.HttpSdConfigs);
            return m;
        }).ToList();
        return map;
    }

    private Map RemoteWrite(RemoteWriteConfig w)
    {
        var map = new Map
        {
            ["url"] = w.Url.OriginalString,
            ["remote_timeout"] = Duration(w.RemoteTimeout),
        };
        if (w.Headers.Count > 0)
        {
            var headers = new Map();
            foreach (var (name, _) in w.Headers)
            {
                // Header values often carry tokens: redacted here (upstream prints them as they are).
                headers[name] = _revealSecrets ? w.Headers.First(h => h.Key == name).Value : Config.Secret.Redacted;
            }

            map["headers"] = headers;
        }

        AddIf(map, "write_relabel_configs", w.WriteRelabelConfigs.Count > 0, w.WriteRelabelConfigs.Select(Relabel).ToList());
        AddIf(map, "name", w.Name.Length > 0, w.Name);
        map["send_exemplars"] = w.SendExemplars;
        map["send_native_histograms"] = w.SendNativeHistograms;
        AddIf(map, "round_robin_dns", w.RoundRobinDns, true);
        map["protobuf_message"] = w.ProtobufMessage;
        Http(map, w.Http);
        var q = w.Queue;
        map["queue_config"] = new Map
        {
            ["capacity"] = Number(q.Capacity),
            ["max_shards"] = Number(q.MaxShards),
            ["min_shards"] = Number(q.MinShards),
            ["max_samples_per_send"] = Number(q.MaxSamplesPerSend),
            ["batch_send_deadline"] = Duration(q.BatchSendDeadline),
            ["min_backoff"] = Duration(q.MinBackoff),
            ["max_backoff"] = Duration(q.MaxBackoff),
        };
        map["metadata_config"] = new Map
        {
            ["send"] = w.Metadata.Send,
            ["send_interval"] = Duration(w.Metadata.SendInterval),
            ["max_samples_per_send"] = Number(w.Metadata.MaxSamplesPerSend),
        };
        return map;
    }

    /// <summary>An insertion-ordered mapping for the serializer.</summary>
    private sealed class Map : Dictionary<string, object>
    {
        public Map()
            : base(StringComparer.Ordinal)
        {
        }
    }
}
