using Serverless.Monitoring.Core.Discovery;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Relabeling;

namespace Serverless.Monitoring.Core.Config;

/// <summary>
/// One entry of <c>scrape_configs</c>, with upstream's defaults applied: interval and timeout
/// from <c>global</c> (timeout at most the interval), <c>/metrics</c> over <c>http</c>,
/// timestamps honored, limits inherited from <c>global</c> when 0.
/// </summary>
public sealed record ScrapeConfig
{
    /// <summary>Upstream's default order of scrape protocols (the <c>Accept</c> header).</summary>
    public static IReadOnlyList<string> DefaultScrapeProtocols { get; } =
        ["OpenMetricsText1.0.0", "OpenMetricsText0.0.1", "PrometheusText1.0.0", "PrometheusText0.0.4"];

    /// <summary>The scrape protocols upstream knows.</summary>
    public static IReadOnlyList<string> KnownScrapeProtocols { get; } =
        ["OpenMetricsText0.0.1", "OpenMetricsText1.0.0", "PrometheusProto", "PrometheusText0.0.4", "PrometheusText1.0.0"];

    public required string JobName { get; init; }

    public bool HonorLabels { get; init; }

    public bool HonorTimestamps { get; init; } = true;

    public bool TrackTimestampsStaleness { get; init; }

    /// <summary>Query parameters for each scrape, by name, each with one or more values.</summary>
    public IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Params { get; init; } = [];

    public TimeSpan ScrapeInterval { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan ScrapeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public IReadOnlyList<string> ScrapeProtocols { get; init; } = DefaultScrapeProtocols;

    public string FallbackScrapeProtocol { get; init; } = string.Empty;

    public string MetricsPath { get; init; } = "/metrics";

    /// <summary><c>http</c> or <c>https</c>.</summary>
    public string Scheme { get; init; } = "http";

    public bool EnableCompression { get; init; } = true;

    public long BodySizeLimit { get; init; }

    public uint SampleLimit { get; init; }

    public uint TargetLimit { get; init; }

    public uint LabelLimit { get; init; }

    public uint LabelNameLengthLimit { get; init; }

    public uint LabelValueLengthLimit { get; init; }

    public uint KeepDroppedTargets { get; init; }

    public string ScrapeFailureLogFile { get; init; } = string.Empty;

    public NameValidationScheme MetricNameValidationScheme { get; init; } = NameValidationScheme.Utf8;

    public HttpClientConfig Http { get; init; } = HttpClientConfig.Default;

    public IReadOnlyList<TargetGroup> StaticConfigs { get; init; } = [];

    public IReadOnlyList<FileSdConfig> FileSdConfigs { get; init; } = [];

    public IReadOnlyList<HttpSdConfig> HttpSdConfigs { get; init; } = [];

    public IReadOnlyList<RelabelConfig> RelabelConfigs { get; init; } = [];

    public IReadOnlyList<RelabelConfig> MetricRelabelConfigs { get; init; } = [];
}
