using Serverless.Monitoring.Core.Config;

namespace Serverless.Monitoring.Core.Alerting.Config;

/// <summary><c>webhook_configs</c> entry; <c>send_resolved</c> defaults to true.</summary>
public sealed record WebhookConfig
{
    public bool SendResolved { get; init; } = true;

    public HttpClientConfig Http { get; init; } = HttpClientConfig.Default;

    public required string Url { get; init; }

    /// <summary>At most this many alerts per message (0: all); the rest are counted in <c>truncatedAlerts</c>.</summary>
    public ulong MaxAlerts { get; init; }
}
