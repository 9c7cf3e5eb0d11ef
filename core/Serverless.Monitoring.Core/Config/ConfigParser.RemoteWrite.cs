namespace Serverless.Monitoring.Core.Config;

internal sealed partial class ConfigParser
{
    private IReadOnlyList<RemoteWriteConfig> ParseRemoteWrites(ConfigNode node, GlobalConfig global)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        return node.List("[]*config.RemoteWriteConfig", n =>
        {
            var (config, nameNode) = ParseRemoteWrite(n, global);
            if (config.Name.Length > 0 && !names.Add(config.Name))
            {
                throw nameNode.Error($"found multiple remote write configs with job name {GoQuote(config.Name)}");
            }

            return config;
        });
    }

    private (RemoteWriteConfig Config, ConfigNode NameNode) ParseRemoteWrite(ConfigNode node, GlobalConfig global)
    {
        const string type = "config.RemoteWriteConfig";
        if (node.IsNull)
        {
            throw node.Error("empty or null remote write config section");
        }

        var c = new RemoteWriteConfig { Url = new Uri("http://unset") };
        var url = string.Empty;
        var urlNode = node;
        var nameNode = node;
        var headersNode = node;
        var http = new HttpClientFields(this, c.Http);
        List<(Relabeling.RelabelConfig, ConfigNode)> relabel = [];
        node.Fields(type, (key, v) =>
        {
            switch (key)
            {
                case "url": url = v.String(); urlNode = v; return true;
                case "remote_timeout": c = c with { RemoteTimeout = v.Duration() }; return true;
                case "headers": headersNode = v; c = c with { Headers = v.StringMap() }; return true;
                case "write_relabel_configs": relabel = ParseRelabelConfigs(v, "empty or null relabeling rule in remote write config"); return true;
                case "name": nameNode = v; c = c with { Name = v.String() }; return true;
                case "send_exemplars": c = c with { SendExemplars = v.Bool() }; return true;
                case "send_native_histograms": c = c with { SendNativeHistograms = v.Bool() }; return true;
                case "round_robin_dns": c = c with { RoundRobinDns = v.Bool() }; return true;
                case "protobuf_message":
                    var message = v.String();
                    c = c with
                    {
                        ProtobufMessage = message is "prometheus.WriteRequest" or "io.prometheus.write.v2.Request"
                            ? message
                            : throw v.Error($"invalid protobuf_message value: unknown type for remote write protobuf message {message}, supported: prometheus.WriteRequest, io.prometheus.write.v2.Request"),
                    };
                    return true;
                case "queue_config": c = c with { Queue = ParseQueue(v) }; return true;
                case "metadata_config": c = c with { Metadata = ParseMetadata(v) }; return true;
                case "sigv4" or "azuread" or "google_iam": throw v.Error($"field {key} is not supported yet (type {type})");
                default: return http.TryField(key, v, type);
            }
        });

        if (url.Length == 0)
        {
            throw urlNode.Error("url for remote_write is empty");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw urlNode.Error($"parse {GoQuote(url)}: invalid URL");
        }

        foreach (var (header, _) in c.Headers)
        {
            if (header.Equals("authorization", StringComparison.OrdinalIgnoreCase))
            {
                throw headersNode.Error("authorization header must be changed via the basic_auth, authorization, oauth2, sigv4, azuread or google_iam parameter");
            }

            if (ReservedHeaders.Contains(header))
            {
                throw headersNode.Error($"{header} is a reserved header. It must not be changed");
            }
        }

        return (c with
        {
            Url = uri,
            Http = http.Build(node),
            WriteRelabelConfigs = ValidateRelabelConfigs(relabel, global.MetricNameValidationScheme),
        }, nameNode);
    }

    private static QueueConfig ParseQueue(ConfigNode node)
    {
        var q = QueueConfig.Default;
        node.Fields("config.QueueConfig", (key, v) =>
        {
            switch (key)
            {
                case "capacity": q = q with { Capacity = v.Int32() }; return true;
                case "max_shards": q = q with { MaxShards = v.Int32() }; return true;
                case "min_shards": q = q with { MinShards = v.Int32() }; return true;
                case "max_samples_per_send": q = q with { MaxSamplesPerSend = v.Int32() }; return true;
                case "batch_send_deadline": q = q with { BatchSendDeadline = v.Duration() }; return true;
                case "min_backoff": q = q with { MinBackoff = v.Duration() }; return true;
                case "max_backoff": q = q with { MaxBackoff = v.Duration() }; return true;
                case "retry_on_http_429": q = q with { RetryOnHttp429 = v.Bool() }; return true;
                case "sample_age_limit": q = q with { SampleAgeLimit = v.Duration() }; return true;
                default: return false;
            }
        });

        var error = q switch
        {
            { MaxShards: <= 0 } => "remote write queue max_shards must be positive",
            { MinShards: <= 0 } => "remote write queue min_shards must be positive",
            _ when q.MinShards > q.MaxShards => "remote write queue min_shards must not be greater than max_shards",
            { MaxSamplesPerSend: <= 0 } => "remote write queue max_samples_per_send must be positive",
            { Capacity: <= 0 } => "remote write queue capacity must be positive",
            _ when q.MaxBackoff < q.MinBackoff => "remote write queue max_backoff must not be less than min_backoff",
            _ => null,
        };
        return error is null ? q : throw node.Error(error);
    }

    private static MetadataConfig ParseMetadata(ConfigNode node)
    {
        var m = MetadataConfig.Default;
        node.Fields("config.MetadataConfig", (key, v) =>
        {
            switch (key)
            {
                case "send": m = m with { Send = v.Bool() }; return true;
                case "send_interval": m = m with { SendInterval = v.Duration() }; return true;
                case "max_samples_per_send": m = m with { MaxSamplesPerSend = v.Int32() }; return true;
                default: return false;
            }
        });
        return m;
    }
}
