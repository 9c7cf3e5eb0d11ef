using Serverless.Monitoring.Core.Relabeling;

namespace Serverless.Monitoring.Core.Config;

/// <summary>One entry of <c>remote_write</c> (kept for the remote-write sender), with upstream's defaults.</summary>
public sealed record RemoteWriteConfig
{
    public required Uri Url { get; init; }

    public TimeSpan RemoteTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public IReadOnlyList<RelabelConfig> WriteRelabelConfigs { get; init; } = [];

    public string Name { get; init; } = string.Empty;

    public bool SendExemplars { get; init; }

    public bool SendNativeHistograms { get; init; }

    public bool RoundRobinDns { get; init; }

    /// <summary><c>prometheus.WriteRequest</c> (v1, the default) or <c>io.prometheus.write.v2.Request</c>.</summary>
    public string ProtobufMessage { get; init; } = "prometheus.WriteRequest";

    /// <summary>Remote write keeps HTTP/2 off by default, unlike the other clients.</summary>
    public HttpClientConfig Http { get; init; } = HttpClientConfig.Default with { EnableHttp2 = false };

    public QueueConfig Queue { get; init; } = QueueConfig.Default;

    public MetadataConfig Metadata { get; init; } = MetadataConfig.Default;
}
