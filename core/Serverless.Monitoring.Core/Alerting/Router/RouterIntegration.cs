using Serverless.Monitoring.Core.Alerting.Dispatch;
using Serverless.Monitoring.Core.Alerting.NotificationLog;
using Serverless.Monitoring.Core.Alerting.Notify;

namespace Serverless.Monitoring.Core.Alerting.Router;

/// <summary>
/// One configured integration of a receiver as the pipeline sees it: a notifier (the payload and the
/// HTTP call), its place in the notification log, and the metrics every attempt counts into.
/// </summary>
public sealed class RouterIntegration : INotificationIntegration
{
    private readonly Func<string> _externalUrl;
    private readonly RouterMetrics? _metrics;

    internal RouterIntegration(INotifier notifier, NotificationReceiver receiver, Func<string> externalUrl, RouterMetrics? metrics)
    {
        Notifier = notifier;
        Receiver = receiver;
        _externalUrl = externalUrl;
        _metrics = metrics;
    }

    public INotifier Notifier { get; }

    public NotificationReceiver Receiver { get; }

    public bool SendResolved => Notifier.SendResolved;

    /// <summary>What the notifier is told about a flush (upstream puts it in the context).</summary>
    public NotificationContext ContextOf(GroupFlush flush)
    {
        ArgumentNullException.ThrowIfNull(flush);
        return new NotificationContext(flush.GroupKey, Receiver.GroupName, flush.GroupLabels, _externalUrl(), flush.Now);
    }

    public async Task<Dispatch.NotifyResult> NotifyAsync(GroupFlush flush, IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        _metrics?.Attempted(Notifier.Integration);
        Notify.NotifyResult result;
        try
        {
            result = await Notifier.NotifyAsync(ContextOf(flush), alerts, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Templates.TemplateExecutionException or Templates.TemplateParseException)
        {
            // A template that fails fails the same way every time: not worth a retry, as upstream.
            result = new Notify.NotifyResult(false, ex.Message);
        }

        if (!result.Succeeded)
        {
            _metrics?.Failed(Notifier.Integration);
        }

        return new Dispatch.NotifyResult(result.Retry, result.Error);
    }
}
