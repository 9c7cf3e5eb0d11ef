using Serverless.Monitoring.Core.Alerting.NotificationLog;

namespace Serverless.Monitoring.Core.Alerting.Dispatch;

/// <summary>The outcome of one notify attempt: an error, and whether trying again may help (5xx yes, 4xx no…).</summary>
public readonly record struct NotifyResult(bool Retry, string? Error)
{
    public static NotifyResult Success { get; } = new(false, null);

    public bool Succeeded => Error is null;
}

/// <summary>One integration of a receiver (a webhook, a Slack channel, …) as the pipeline sees it; the payloads live elsewhere.</summary>
public interface INotificationIntegration
{
    NotificationReceiver Receiver { get; }

    bool SendResolved { get; }

    Task<NotifyResult> NotifyAsync(GroupFlush flush, IReadOnlyList<Alert> alerts, CancellationToken cancellationToken);
}
