using Serverless.Monitoring.Core.Relabeling;

namespace Serverless.Monitoring.Core.Config;

/// <summary><c>alerting</c>: relabeling for outgoing alerts and the Alertmanagers to send them to (kept for the notifier).</summary>
public sealed record AlertingConfig
{
    public static AlertingConfig Default { get; } = new();

    public IReadOnlyList<RelabelConfig> AlertRelabelConfigs { get; init; } = [];

    public IReadOnlyList<AlertmanagerConfig> Alertmanagers { get; init; } = [];
}
