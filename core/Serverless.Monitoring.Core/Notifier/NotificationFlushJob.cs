using System.Globalization;
using Microsoft.Extensions.Logging;
using Serverless.Monitoring.Core.Jobs;

namespace Serverless.Monitoring.Core.Notifier;

/// <summary>
/// Sends what is queued for the Alertmanagers. Not retried, as upstream: a batch that fails is
/// dropped and counted, and the rules re-send their alerts a minute later.
/// </summary>
public sealed class NotificationFlushJob(NotificationManager notifier) : IJob<DateTimeOffset, NotificationFlushResult>
{
    public const string JobName = "NotificationFlush";

    public string Name => JobName;

    public RetryPolicy Retry => RetryPolicy.None;

    public LogLevel SuccessLevel => LogLevel.Debug;

    public Task<NotificationFlushResult> RunAsync(DateTimeOffset input, CancellationToken cancellationToken) =>
        notifier.FlushAsync(cancellationToken);

    public string Describe(NotificationFlushResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return string.Create(CultureInfo.InvariantCulture,
            $"sent {result.Alerts} alerts in {result.Batches} batches to {result.Alertmanagers} Alertmanagers, {result.Dropped} dropped");
    }

    public IEnumerable<string> Warnings(NotificationFlushResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Dropped > 0)
        {
            yield return $"{result.Dropped} alerts could not be delivered and were dropped (they are sent again at the rules' next resend)";
        }
    }
}
