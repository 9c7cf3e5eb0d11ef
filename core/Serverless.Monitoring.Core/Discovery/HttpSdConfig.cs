using Serverless.Monitoring.Core.Config;

namespace Serverless.Monitoring.Core.Discovery;

/// <summary><c>http_sd_configs</c>: target groups fetched as JSON from <see cref="Url"/> every <see cref="RefreshInterval"/> (default 60s).</summary>
public sealed record HttpSdConfig
{
    public static TimeSpan DefaultRefreshInterval { get; } = TimeSpan.FromSeconds(60);

    public required Uri Url { get; init; }

    public TimeSpan RefreshInterval { get; init; } = DefaultRefreshInterval;

    public HttpClientConfig Http { get; init; } = HttpClientConfig.Default;
}
