namespace Serverless.Monitoring.Core.Alerting.Notify;

/// <summary>
/// A <c>webhook_configs</c> entry (Alertmanager 0.25's <c>WebhookConfig</c>), what the notifier
/// needs of it. Defaults as upstream: <c>send_resolved: true</c>, <c>max_alerts: 0</c> (all alerts).
/// </summary>
public sealed record WebhookOptions
{
    /// <summary><c>url</c> (or the contents of <c>url_file</c>, 0.26+): where the payload is posted.</summary>
    public required string Url { get; init; }

    /// <summary><c>send_resolved</c>, default true.</summary>
    public bool SendResolved { get; init; } = true;

    /// <summary><c>max_alerts</c>: at most this many alerts in a payload, the rest counted in <c>truncatedAlerts</c>; 0 is no limit.</summary>
    public ulong MaxAlerts { get; init; }
}
