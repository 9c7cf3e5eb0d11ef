using Serverless.Monitoring.Core.Discovery;
using Serverless.Monitoring.Core.Relabeling;

namespace Serverless.Monitoring.Core.Config;

/// <summary>One entry of <c>alerting.alertmanagers</c>, with upstream's defaults (http, 10s timeout, API v2).</summary>
public sealed record AlertmanagerConfig
{
    public HttpClientConfig Http { get; init; } = HttpClientConfig.Default;

    public string Scheme { get; init; } = "http";

    public string PathPrefix { get; init; } = string.Empty;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public string ApiVersion { get; init; } = "v2";

    public IReadOnlyList<TargetGroup> StaticConfigs { get; init; } = [];

    public IReadOnlyList<FileSdConfig> FileSdConfigs { get; init; } = [];

    public IReadOnlyList<HttpSdConfig> HttpSdConfigs { get; init; } = [];

    public IReadOnlyList<RelabelConfig> RelabelConfigs { get; init; } = [];

    public IReadOnlyList<RelabelConfig> AlertRelabelConfigs { get; init; } = [];
}
