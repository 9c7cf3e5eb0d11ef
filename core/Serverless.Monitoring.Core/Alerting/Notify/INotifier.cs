using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.Notify;

/// <summary>
/// What a notification is about, besides its alerts (upstream keeps these in the context):
/// the aggregation group's key, the receiver's name, the group's labels, the external URL that
/// links point to, and the time the alerts' statuses are taken at.
/// </summary>
/// <param name="GroupKey">Upstream's group key, e.g. <c>{}/{severity="page"}:{alertname="A"}</c>.</param>
public sealed record NotificationContext(string GroupKey, string ReceiverName, LabelSet GroupLabels, string ExternalUrl, DateTimeOffset Now);

/// <summary>The outcome of one attempt: an error or none, and whether trying again may help.</summary>
public readonly record struct NotifyResult(bool Retry, string? Error)
{
    public static NotifyResult Success { get; } = new(false, null);

    public bool Succeeded => Error is null;
}

/// <summary>
/// One integration of a receiver (a webhook, a Slack channel, a PagerDuty service, …): sends one
/// notification for a group's alerts (Alertmanager's <c>notify.Notifier</c>). Alerts come as the
/// dispatcher flushes them (see <see cref="Dispatch.GroupFlush.Prepare"/>): sorted, unresolved ones with no end.
/// </summary>
public interface INotifier
{
    /// <summary>Upstream's integration name (<c>webhook</c>, <c>slack</c>, <c>pagerduty</c>, <c>msteams</c>).</summary>
    string Integration { get; }

    /// <summary>Whether resolved alerts are sent (<c>send_resolved</c>).</summary>
    bool SendResolved { get; }

    Task<NotifyResult> NotifyAsync(NotificationContext context, IReadOnlyList<Alert> alerts, CancellationToken cancellationToken);
}
